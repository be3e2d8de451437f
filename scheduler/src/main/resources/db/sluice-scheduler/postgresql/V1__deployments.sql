-- sluice-scheduler schema 1 (PostgreSQL): deployments, their runs (one per deployment and slot), workers,
-- concurrency leases, and db-scheduler's table of due work. Times are microseconds since the epoch (UTC),
-- except in db-scheduler's own table, which keeps its own types.
-- Applied by the scheduler's own Flyway history table (sluice_scheduler_schema_history), independent of
-- sluice-history's migrations on the same database.

create table sluice_deployment (
    name               text    not null primary key,
    flow_name          text    not null,
    version            text,
    description        text,
    tags               text    not null, -- JSON array
    parameters         text    not null, -- JSON object: the default parameter values
    parameter_schema   text    not null, -- ParameterSchema.toJson(): forms and validation without the flow's classes
    schedules          text    not null, -- JSON array of Schedule.toString()
    paused             bigint  not null,
    concurrency_limit  bigint  not null, -- 0: none
    catch_up           text    not null,
    catch_up_window_ms bigint,
    overlap            text    not null,
    last_slot          bigint,          -- the latest slot created; planning never goes behind it
    created_at         bigint  not null,
    updated_at         bigint  not null
);
create index sluice_deployment_due on sluice_deployment (paused, last_slot);

create table sluice_deployment_run (
    id               text    not null primary key,
    deployment       text    not null,
    kind             text    not null, -- SCHEDULED, MANUAL, BACKFILL, RETRY
    slot_time        bigint,          -- null for manual runs and retries
    slot_attempt     bigint  not null, -- 0, or more for a forced backfill of a slot run before
    scheduled_time   bigint  not null, -- when it is due
    parameters       text    not null, -- JSON object
    state            text    not null, -- SCHEDULED, RUNNING, COMPLETED, FAILED, CANCELLED, CRASHED, SKIPPED, TIMED_OUT
    late             bigint  not null,
    cancel_requested bigint  not null,
    flow_run_id      text,             -- the run history's flow run, once started
    worker_id        text,
    retry_of         text,
    crashes          integer not null default 0, -- how often its worker died while running it
    message          text,
    created_at       bigint  not null,
    started_at       bigint,
    ended_at         bigint
);
-- exactly once per (deployment, slot): the unique key every JVM's planner inserts against
create unique index sluice_deployment_run_slot on sluice_deployment_run (deployment, slot_time, slot_attempt);
create index sluice_deployment_run_by_state on sluice_deployment_run (deployment, state, scheduled_time);
create index sluice_deployment_run_due on sluice_deployment_run (state, scheduled_time);
create index sluice_deployment_run_by_worker on sluice_deployment_run (worker_id, state);
create index sluice_deployment_run_by_time on sluice_deployment_run (created_at, id);

create table sluice_worker (
    id           text    not null primary key,
    name         text    not null,
    host         text    not null,
    pid          bigint  not null,
    started_at   bigint  not null,
    heartbeat_at bigint  not null,
    stopped_at   bigint
);
create index sluice_worker_live on sluice_worker (stopped_at, heartbeat_at);

create table sluice_worker_deployment (
    worker_id  text not null,
    deployment text not null,
    primary key (worker_id, deployment)
);
create index sluice_worker_deployment_by_name on sluice_worker_deployment (deployment, worker_id);

create table sluice_tag_limit (
    tag               text    not null primary key,
    concurrency_limit bigint  not null,
    updated_at        bigint  not null
);

-- a slot of a concurrency limit held by a run; dead when its holder stops renewing it
create table sluice_lease (
    lease_key  text    not null, -- 'deployment:<name>' or 'tag:<tag>'
    run_id     text    not null,
    worker_id  text    not null,
    expires_at bigint  not null,
    primary key (lease_key, run_id)
);
create index sluice_lease_by_run on sluice_lease (run_id);
create index sluice_lease_by_worker on sluice_lease (worker_id);

-- db-scheduler's table (its PostgreSQL layout)
create table sluice_scheduled_tasks (
    task_name            text not null,
    task_instance        text not null,
    task_data            bytea,
    execution_time       timestamp with time zone not null,
    picked               boolean not null,
    picked_by            text,
    last_success         timestamp with time zone,
    last_failure         timestamp with time zone,
    consecutive_failures int,
    last_heartbeat       timestamp with time zone,
    version              bigint not null,
    priority             smallint,
    primary key (task_name, task_instance)
);
create index sluice_scheduled_tasks_execution_time on sluice_scheduled_tasks (execution_time);
create index sluice_scheduled_tasks_last_heartbeat on sluice_scheduled_tasks (last_heartbeat);
create index sluice_scheduled_tasks_priority on sluice_scheduled_tasks (priority desc, execution_time asc);
