-- camel-comfykit job store: the PostgreSQL schema (PostgreSQL 12 or later).
--
-- The store creates this on start unless told not to (createSchema=false); a DBA may run it instead. To use
-- another table name, replace "comfykit_jobs" everywhere (the index names start with it too) and give the store
-- the same name. Every statement is idempotent. Statements end with a semicolon at the end of a line.
--
-- JSON columns are "json", not "jsonb": json is validated like jsonb but keeps the text exactly as written, so a
-- record reads back equal to what was stored; cast to jsonb in queries when you need its operators.

CREATE TABLE IF NOT EXISTS comfykit_jobs (
    job_id       varchar(255) NOT NULL PRIMARY KEY,  -- the job's id, chosen by the application
    prompt_id    varchar(255) UNIQUE,                -- the ComfyUI prompt id (client-chosen) or RunningHub task id
    backend      varchar(64),                        -- comfyui or runninghub
    server       text,                               -- the server's name in a pool, or its base URL
    workflow     text,                               -- where the workflow came from
    prompt       json,                               -- the bound prompt graph
    params       json,                               -- the caller's params
    state        varchar(16)  NOT NULL
                 CHECK (state IN ('SUBMITTING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    result       json,                               -- the execution result, once finished
    error        json,                               -- the execution error, once failed or cancelled
    owner        varchar(255),                       -- the instance that holds the lease
    lease_until  timestamptz,                        -- when the owner's lease ends; null: no lease
    attempts     integer      NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   timestamptz  NOT NULL,
    updated_at   timestamptz  NOT NULL,
    delivered_at timestamptz,                        -- when the result was handed to a route
    correlation  json         NOT NULL DEFAULT '{}', -- whitelisted message headers, as an object of strings
    version      bigint       NOT NULL CHECK (version > 0)  -- compare-and-set: +1 on every write
);

-- claimExpired: unfinished jobs by lease end
CREATE INDEX IF NOT EXISTS comfykit_jobs_unfinished_lease ON comfykit_jobs (lease_until)
    WHERE state IN ('SUBMITTING', 'QUEUED', 'RUNNING');

-- claimUndelivered: finished jobs not yet delivered, by lease end
CREATE INDEX IF NOT EXISTS comfykit_jobs_undelivered_lease ON comfykit_jobs (lease_until)
    WHERE delivered_at IS NULL AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED');

-- listByState and deleteFinishedBefore
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_created ON comfykit_jobs (state, created_at);
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_updated ON comfykit_jobs (state, updated_at);
