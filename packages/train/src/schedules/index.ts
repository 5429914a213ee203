/** Learning-rate schedules: pure functions of the step (outside the graph) and reduce-on-plateau. */
export * from './schedules.js';
