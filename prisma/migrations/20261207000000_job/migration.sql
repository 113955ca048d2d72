-- job: what a person looks at for each piece of background work (an import, an index build, a
-- training run): its state, phase, progress, attempts, error and result. pg-boss (schema pgboss,
-- created beside these migrations at start) only dispatches: it expires a job after 24 h at most
-- and its timeout ignores heartbeats, while a training run can take days. A running job's worker
-- beats `heartbeat_at`, and a job whose heartbeat stops is retried by its kind's policy or failed.
CREATE TABLE "job" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'queued',
    "phase" TEXT,
    "progress" JSONB,
    "payload" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "dataset_id" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 1,
    "worker_id" TEXT,
    "heartbeat_at" TIMESTAMPTZ(3),
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "job_state_check" CHECK ("state" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
);

CREATE INDEX "job_created_at_idx" ON "job"("created_at" DESC);
CREATE INDEX "job_dataset_id_idx" ON "job"("dataset_id");
-- The reaper's scan: running jobs by heartbeat.
CREATE INDEX "job_running_heartbeat_idx" ON "job"("heartbeat_at") WHERE "state" = 'running';
