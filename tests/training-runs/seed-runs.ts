/**
 * Training jobs written straight into the `job` and `job_event` tables, as a worker leaves them
 * (payload, state, result, progress and metrics events), without training: for the job pages'
 * procedure tests and bench/job-pages.ts. One INSERT … SELECT per table, generated in SQL.
 */
import type pg from "pg";

export interface SeededRuns {
  ids: string[];
}

/**
 * `count` training jobs on the dataset, each with `stepsPerRun` progress events and a train
 * metrics event every 10 steps (an eval one every 50); every fourth is still running, the rest
 * succeeded with an accuracy. Created a second apart, newest last.
 */
export async function seedTrainingRuns(db: Pick<pg.Pool, "query">, options: { datasetId: number; count: number; stepsPerRun: number }): Promise<SeededRuns> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO job (kind, state, phase, progress, payload, result, dataset_id, attempts, max_attempts, created_at, started_at, finished_at)
     SELECT 'training',
       CASE WHEN i % 4 = 0 THEN 'running' ELSE 'succeeded' END,
       CASE WHEN i % 4 = 0 THEN 'training: training' ELSE NULL END,
       jsonb_build_object('done', $3::int, 'total', $3::int, 'unit', 'steps'),
       jsonb_build_object('datasetId', $1::int, 'framework', 'setfit', 'model', 'sentence-transformers/all-MiniLM-L6-v2',
         'task', jsonb_build_object('task', 'text_classification', 'text', 'text', 'label', 'sentiment', 'seed', 42),
         'options', jsonb_build_object('testSize', 0.25, 'seed', i), 'config', jsonb_build_object('num_iterations', 1 + i % 5, 'batch_size', 16)),
       CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('status', 'succeeded', 'metrics', jsonb_build_object('accuracy', 0.5 + (i % 50) / 100.0), 'modelDir', NULL, 'step', $3::int, 'pins', '{}'::jsonb) END,
       $1, 1, 1, now() - make_interval(secs => $2 - i), now() - make_interval(secs => $2 - i), CASE WHEN i % 4 = 0 THEN NULL ELSE now() END
     FROM generate_series(1, $2) AS i
     RETURNING id`,
    [options.datasetId, options.count, options.stepsPerRun],
  );
  const ids = rows.map((row) => row.id);
  await db.query(
    `INSERT INTO job_event (job_id, seq, time, event)
     SELECT j.id, row_number() OVER (PARTITION BY j.id ORDER BY e.step, e.kind), t, e.event
     FROM unnest($1::uuid[]) AS j(id),
       LATERAL (SELECT s AS step, k AS kind,
                  CASE k WHEN 0 THEN jsonb_build_object('event', 'progress', 'step', s, 'max_steps', $2::int, 'epoch', s::float / $2, 'rss_mb', 900)
                         WHEN 1 THEN jsonb_build_object('event', 'metrics', 'step', s, 'split', 'train', 'values', jsonb_build_object('loss', 1.0 / s, 'learning_rate', 2e-5 * (1 - s::float / $2)))
                         ELSE jsonb_build_object('event', 'metrics', 'step', s, 'split', 'eval', 'values', jsonb_build_object('loss', 1.2 / s, 'accuracy', 0.9)) END AS event
                FROM generate_series(1, $2) AS s, generate_series(0, 2) AS k
                WHERE k = 0 OR (k = 1 AND s % 10 = 0) OR (k = 2 AND s % 50 = 0)) e,
       LATERAL (SELECT now() - make_interval(secs => $2 - e.step) AS t) times`,
    [ids, options.stepsPerRun],
  );
  // Each stored event carries its time, as the recorder stores them.
  await db.query(`UPDATE job_event SET event = event || jsonb_build_object('time', to_json(time) #>> '{}') WHERE job_id = ANY($1::uuid[])`, [ids]);
  return { ids };
}
