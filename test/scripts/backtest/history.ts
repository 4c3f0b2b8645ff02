/** A seeded day of dev metric history for the backtest tests (and for a manual run against a local moto). */
export const END = Date.UTC(2026, 11, 1, 0, 0);
const LEAD = 6 * 3_600_000;
const MIN = 60_000;
const NS = 'ses-migration/development/Monitoring';

/** A day of dev traffic: 200 sends per 5 min, 1 % bounces, 12 % bounces from 10:00 to 10:30 UTC, heartbeat every 5 min except 15:00-15:30. */
export function seededHistory(end = END) {
  const data: { ns: string; name: string; t: number; value: number }[] = [];
  for (let t = end - 86_400_000 - LEAD; t < end; t += MIN) {
    const hour = new Date(t).getUTCHours();
    const minute = new Date(t).getUTCMinutes();
    const spike = hour === 10 && minute < 30;
    data.push({ ns: 'AWS/SES', name: 'Send', t, value: 40 });
    data.push({ ns: 'AWS/SES', name: 'Bounce', t, value: spike ? 5 : minute % 5 === 0 ? 2 : 0 });
    if (minute % 5 === 0 && !(hour === 15 && minute < 30))
      data.push({ ns: NS, name: 'MetricsHeartbeat', t: t + 30_000, value: 1 });
  }
  return data.filter((d) => d.value > 0);
}
