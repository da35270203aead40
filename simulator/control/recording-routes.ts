// Session recordings: start one, list them, stop one, download its scenario file (YAML), delete it.
import { Router } from 'express';
import type { Recordings, SessionRecorder } from '../recording/index.js';
import type { RecordingListModel, RecordingModel } from '../model/index.js';

export function recordingView(recorder: SessionRecorder): RecordingModel {
  return {
    id: recorder.id,
    status: recorder.status,
    startedAt: new Date(recorder.startedAt).toISOString(),
    ...(recorder.stoppedAt !== undefined ? { stoppedAt: new Date(recorder.stoppedAt).toISOString() } : {}),
    ...(recorder.stoppedBecause !== undefined ? { stoppedBecause: recorder.stoppedBecause } : {}),
    steps: recorder.steps,
    skipped: recorder.skipped,
    stepLimit: recorder.stepLimit,
  };
}

export function recordingRoutes(recordings: Recordings): Router {
  const router = Router();
  router.post('/recordings', (_req, res) => {
    const recorder = recordings.start();
    res.status(201).location(`/api/recordings/${recorder.id}`).json(recordingView(recorder));
  });
  router.get('/recordings', (_req, res) => {
    const answer: RecordingListModel = { recordings: recordings.list().map(recordingView) };
    res.json(answer);
  });
  router.get('/recordings/:id', (req, res) => {
    res.json(recordingView(recordings.get(req.params.id)));
  });
  router.post('/recordings/:id/stop', (req, res) => {
    res.json(recordingView(recordings.stop(req.params.id)));
  });
  router.get('/recordings/:id/scenario', (req, res) => {
    const recorder = recordings.get(req.params.id);
    const yaml = recordings.scenarioYaml(recorder.id);
    const date = new Date(recorder.startedAt)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z')
      .replace(/:/g, '-');
    res
      .type('application/yaml')
      .set('Content-Disposition', `attachment; filename="pushsim-session-${date}.yaml"`)
      .send(yaml);
  });
  router.delete('/recordings/:id', (req, res) => {
    recordings.delete(req.params.id);
    res.status(204).end();
  });
  return router;
}
