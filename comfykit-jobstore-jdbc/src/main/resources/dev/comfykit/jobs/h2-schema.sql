-- camel-comfykit job store: the H2 schema (H2 2.x, embedded file database).
--
-- The store creates this on start unless told not to (createSchema=false). To use another table name, replace
-- "comfykit_jobs" everywhere (the index names start with it too) and give the store the same name. Every
-- statement is idempotent. Statements end with a semicolon at the end of a line.

CREATE TABLE IF NOT EXISTS comfykit_jobs (
    job_id       varchar(255) NOT NULL PRIMARY KEY,
    prompt_id    varchar(255) UNIQUE,
    backend      varchar(64),
    server       varchar,
    workflow     varchar,
    prompt       character large object,
    params       character large object,
    state        varchar(16)  NOT NULL
                 CHECK (state IN ('SUBMITTING', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    result       character large object,
    error        character large object,
    owner        varchar(255),
    lease_until  timestamp(6) with time zone,
    attempts     integer      NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at   timestamp(6) with time zone NOT NULL,
    updated_at   timestamp(6) with time zone NOT NULL,
    delivered_at timestamp(6) with time zone,
    correlation  varchar      NOT NULL DEFAULT '{}',
    version      bigint       NOT NULL CHECK (version > 0)
);

-- claimExpired, per state in lease order; claimUndelivered, per final state among the undelivered
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_lease ON comfykit_jobs (state, lease_until);
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_delivered_lease ON comfykit_jobs (state, delivered_at, lease_until);
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_created ON comfykit_jobs (state, created_at);
CREATE INDEX IF NOT EXISTS comfykit_jobs_state_updated ON comfykit_jobs (state, updated_at);
