-- sluice-history schema 1 (PostgreSQL): runs, their tags and log lines, and the processes writing them.
-- Times are microseconds since the epoch (UTC); durations microseconds.

create table sluice_owner (
    id            text    not null primary key,
    host          text    not null,
    pid           integer not null,
    process_start bigint,
    opened_at     bigint not null,
    heartbeat_at  bigint not null,
    closed_at     bigint,
    reaped_at     bigint
);

create table flow_run (
    id                 text    not null primary key,
    name               text    collate "C" not null,
    flow_name          text    not null,
    version            text,
    state              text    not null,
    parent_flow_run_id text,
    root_id            text    not null,
    tags               text    not null,
    parameters         text,
    history            text    not null,
    attempts           integer not null,
    error_type         text,
    error_message      text,
    error_stack        text,
    created_at         bigint not null,
    start_time         bigint,
    end_time           bigint,
    sort_time          bigint not null,
    duration_us        bigint not null,
    owner_id           text    not null,
    updated_at         bigint not null
);

create index flow_run_by_time      on flow_run (sort_time, id);
create index flow_run_by_duration  on flow_run (duration_us, id);
create index flow_run_by_flow      on flow_run (flow_name, sort_time, id);
create index flow_run_by_flow_dur  on flow_run (flow_name, duration_us, id);
create index flow_run_by_name      on flow_run (name, sort_time, id);
create index flow_run_by_state     on flow_run (state, sort_time, id);
create index flow_run_by_parent    on flow_run (parent_flow_run_id, sort_time, id) where parent_flow_run_id is not null;
create index flow_run_by_root      on flow_run (root_id);
create index flow_run_completed    on flow_run (flow_name, state, end_time);
create index flow_run_expiring     on flow_run (end_time) where parent_flow_run_id is null;
create index flow_run_unfinished   on flow_run (owner_id) where state in ('SCHEDULED', 'PENDING', 'RUNNING', 'RETRYING');

create table flow_run_tag (
    run_id text not null,
    tag    text not null,
    primary key (run_id, tag)
);
create index flow_run_tag_by_tag on flow_run_tag (tag, run_id);

create table task_run (
    id                 text    not null primary key,
    name               text    collate "C" not null,
    task_name          text    not null,
    version            text,
    state              text    not null,
    flow_run_id        text,
    parent_task_run_id text,
    tags               text    not null,
    parameters         text,
    history            text    not null,
    attempts           integer not null,
    cache_key          text,
    cached_from_run_id text,
    error_type         text,
    error_message      text,
    error_stack        text,
    created_at         bigint not null,
    start_time         bigint,
    end_time           bigint,
    sort_time          bigint not null,
    duration_us        bigint not null,
    owner_id           text    not null,
    updated_at         bigint not null
);

-- No index on task run names nor durations alone: task run names ("load-17") and durations scatter their
-- inserts over the whole index, which made every batch rewrite a page per task run (the writer's CPU per
-- task run tripled on a history of a million task runs). A name or duration-order condition on task runs is
-- served with a task name or flow run condition (those indexes), and scans without one.
create index task_run_by_time      on task_run (sort_time, id);
create index task_run_by_task      on task_run (task_name, sort_time, id);
create index task_run_by_state     on task_run (state, sort_time, id);
create index task_run_by_flow_run  on task_run (flow_run_id, sort_time, id);
create index task_run_expiring     on task_run (end_time) where flow_run_id is null;
create index task_run_unfinished   on task_run (owner_id) where state in ('SCHEDULED', 'PENDING', 'RUNNING', 'RETRYING');

create table task_run_tag (
    run_id text not null,
    tag    text not null,
    primary key (run_id, tag)
);
create index task_run_tag_by_tag on task_run_tag (tag, run_id);

create table log_line (
    id          bigint generated always as identity primary key,
    flow_run_id text,
    task_run_id text,
    time        bigint not null,
    level       text    not null,
    logger      text    not null,
    message     text    not null,
    error       text
);
create index log_line_by_flow_run on log_line (flow_run_id, id) where flow_run_id is not null;
create index log_line_by_task_run on log_line (task_run_id, id) where task_run_id is not null;
