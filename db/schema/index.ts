export * from './write';
export * from './events';
export * from './auth';
export * from './read';
export * from './analytics';
