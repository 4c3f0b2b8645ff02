/** The alarm evaluator: CloudWatch alarm semantics over the generated templates, without AWS. */
export * from './composite.js';
export * from './evaluate.js';
export * from './math.js';
export * from './store.js';
export * from './template.js';
export * from './types.js';
