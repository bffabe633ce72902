// ProcessResultFunction and AggregateFunction: summarize what they receive.
export const handler = async (event) => ({
  images: Array.isArray(event.processed) ? event.processed.length : undefined,
  review: event.review ?? event,
  external: event.external,
});
