/**
 * Dashboard layout: widgets flow left to right on CloudWatch's 24-column grid and wrap to a new line, like
 * CDK's Row/Column; nobody types coordinates. A `section` starts a new line with a full-width heading.
 */

export const GRID_WIDTH = 24;

/** A widget before placement: type, size and properties of the dashboard body. */
export interface WidgetSpec {
  readonly type: 'metric' | 'log' | 'alarm' | 'text';
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

export interface PlacedWidget extends WidgetSpec {
  readonly x: number;
  readonly y: number;
}

/** A full-width line break with a Markdown heading. */
export function section(markdown: string, height = 1): WidgetSpec {
  return { type: 'text', width: GRID_WIDTH, height, properties: { markdown } };
}

/** Places widgets in order; a widget that does not fit on the current line starts the next one. */
export function layout(widgets: readonly WidgetSpec[]): PlacedWidget[] {
  const placed: PlacedWidget[] = [];
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  for (const w of widgets) {
    if (w.width < 1 || w.width > GRID_WIDTH || w.height < 1) {
      throw new Error(
        `widget "${String(w.properties.title ?? w.type)}" is ${w.width}x${w.height}; allowed: width 1-24, height ≥ 1`,
      );
    }
    if (x + w.width > GRID_WIDTH) {
      x = 0;
      y += lineHeight;
      lineHeight = 0;
    }
    placed.push({ ...w, x, y });
    x += w.width;
    lineHeight = Math.max(lineHeight, w.height);
  }
  return placed;
}

/** Splits a list into chunks of at most `size` (alarm status widgets hold at most 100 alarms). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
