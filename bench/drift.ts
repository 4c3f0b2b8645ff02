/**
 * Benchmark of `npm run drift` over 12 stacks with mocked CloudFormation latencies (each stack's detection takes
 * a different time; two stacks are throttled once). The engine runs stacks concurrently, so the total should be
 * close to the slowest stack (target: at most 1.3x), far below the sum of all stacks.
 *
 * Run alone: `node scripts/run.mjs bench/drift.ts`.
 */
import {
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { type CloudFormationSender, runDrift } from '../lib/drift/engine.js';

/** Detection time per stack in ms (all different; the slowest is 900 ms). */
const LATENCIES = [180, 240, 300, 360, 420, 480, 540, 600, 660, 720, 810, 900];
const CALL_MS = 15; // round trip of every API call
const THROTTLED = new Set([3, 7]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function fakeCloudFormation(): CloudFormationSender {
  const started = new Map<string, number>();
  const throttled = new Set<string>();
  return {
    async send(command: unknown) {
      await sleep(CALL_MS);
      const input = (command as { input: Record<string, string> }).input;
      if (command instanceof DescribeStacksCommand)
        return { Stacks: [{ StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE' }] };
      if (command instanceof DetectStackDriftCommand) {
        const name = input.StackName ?? '';
        const i = Number(name.split('-').pop());
        if (THROTTLED.has(i) && !throttled.has(name)) {
          throttled.add(name);
          throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        }
        started.set(name, Date.now());
        return { StackDriftDetectionId: name };
      }
      if (command instanceof DescribeStackDriftDetectionStatusCommand) {
        const name = input.StackDriftDetectionId ?? '';
        const i = Number(name.split('-').pop());
        const done = Date.now() - (started.get(name) ?? 0) >= (LATENCIES[i] ?? 0);
        return done
          ? { DetectionStatus: 'DETECTION_COMPLETE', StackDriftStatus: 'IN_SYNC' }
          : { DetectionStatus: 'DETECTION_IN_PROGRESS' };
      }
      if (command instanceof DescribeStackResourceDriftsCommand) return { StackResourceDrifts: [] };
      throw new Error('unexpected command');
    },
  };
}

export async function run(): Promise<void> {
  const targets = LATENCIES.map((_, i) => ({ name: `s${i}`, stackName: `ses-migration-bench-${i}` }));
  const start = performance.now();
  const report = await runDrift(
    targets,
    { env: 'bench', region: 'ap-northeast-1' },
    { cloudformation: fakeCloudFormation(), sleep, now: () => Date.now() },
    // Real runs poll every 2-10 s against detections of tens of seconds; scaled down 100x here.
    { pollIntervalMs: 20, maxPollIntervalMs: 50, retryBaseMs: 50 },
  );
  const total = performance.now() - start;
  const slowest = Math.max(...LATENCIES);
  const sum = LATENCIES.reduce((a, b) => a + b, 0);
  console.log(
    `drift: ${targets.length} stacks, ${report.summary.inSync} in sync, mocked detection ${LATENCIES[0]}-${slowest} ms, 2 throttled once`,
  );
  console.log(
    `drift: total ${total.toFixed(0)} ms; slowest stack ${slowest} ms -> ${(total / slowest).toFixed(2)}x (target <= 1.3x); ` +
      `sum ${sum} ms -> ${((total / sum) * 100).toFixed(1)}% of sequential`,
  );
}

// scripts/run.mjs bundles the entry to .build/drift.mjs; when bundled into scripts/bench.ts this stays false
if (/[\\/]drift\.(mjs|ts)$/.test(process.argv[1] ?? '')) {
  await run();
}
