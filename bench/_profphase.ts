import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 200 }); await s.post('Profiler.start');
(globalThis as any).__stopProfile = async (file: string) => { const { profile } = await s.post('Profiler.stop'); writeFileSync(file, JSON.stringify(profile)); };
