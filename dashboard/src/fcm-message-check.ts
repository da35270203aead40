// The Send form's checks of an FCM Message resource, with the messages FCM HTTP v1 answers
// (simulator/providers/fcm/fcm-message.ts checks the same on the wire): data values are strings, reserved keys refused,
// 4096 bytes at most. Source: https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages

export interface FcmForm {
  title: string;
  body: string;
  data: string;
  priority: 'high' | 'normal';
  ttl: string;
  collapseKey: string;
}

export function checkFcmMessage(form: FcmForm): {
  payload?: Record<string, unknown>;
  kind?: string;
  problems: string[];
} {
  const problems: string[] = [];
  let data: Record<string, unknown> = {};
  if (form.data.trim()) {
    try {
      const parsed = JSON.parse(form.data) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      data = parsed as Record<string, unknown>;
    } catch {
      problems.push("Invalid JSON payload received. 'message.data' must be an object of string values");
    }
  }
  let index = 0;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string')
      problems.push(`Invalid value at 'message.data[${index}].value' (TYPE_STRING), ${JSON.stringify(value)}`);
    if (key === 'from' || key === 'message_type' || /^(google|gcm)/i.test(key))
      problems.push(`Invalid data payload key: ${key}. The key "${key}" is reserved.`);
    index++;
  }
  if (form.ttl && !/^\d+(\.\d{1,9})?s$/.test(form.ttl))
    problems.push(`Invalid value at 'message.android.ttl': "${form.ttl}" is not a duration like "3600s"`);
  const hasNotification = Boolean(form.title || form.body);
  const hasData = Object.keys(data).length > 0;
  const payload: Record<string, unknown> = {
    ...(hasNotification
      ? { notification: { ...(form.title ? { title: form.title } : {}), ...(form.body ? { body: form.body } : {}) } }
      : {}),
    ...(hasData ? { data } : {}),
  };
  const size = new TextEncoder().encode(JSON.stringify(payload)).length;
  if (size > 4096) problems.push(`Message is too big: ${size} bytes; the limit is 4096`);
  if (!hasNotification && !hasData)
    problems.push('the message has neither notification nor data: give a title, a body or data');
  const kind = hasNotification && hasData ? 'notification+data' : hasNotification ? 'notification' : 'data';
  return problems.length ? { problems } : { payload, kind, problems };
}
