// A button that puts a text on the clipboard and says so (tokens, keys, curl lines, scenario steps).
import { useState } from 'preact/hooks';

/** `label` names what is copied for a screen reader; `visible` is the button's text (its start, so both agree). */
export function CopyButton({ text, label, visible = 'Copy' }: { text: string; label: string; visible?: string }) {
  const [said, setSaid] = useState('');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('copied');
    } catch {
      // No clipboard (an insecure origin other than localhost): select the text instead so Ctrl+C works.
      setSaid('press Ctrl+C');
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand?.('copy');
      area.remove();
    }
    setTimeout(() => setSaid(''), 1500);
  };
  return (
    <button type="button" class="small" onClick={copy} aria-label={label} title={label}>
      {said || visible}
    </button>
  );
}
