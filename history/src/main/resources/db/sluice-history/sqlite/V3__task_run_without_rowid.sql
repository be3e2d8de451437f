-- sluice-history schema 3 (SQLite): task runs in a table keyed by their (time-ordered) id, without a separate
-- rowid: one B-tree less to write per task run, and secondary index entries point at the id they already hold;
-- the state index of task runs leaves completed ones out.

create table task_run_v3 (
    id                 text    not null primary key,
    name               text    not null,
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
    created_at         integer not null,
    start_time         integer,
    end_time           integer,
    sort_time          integer not null,
    duration_us        integer not null,
    owner_id           text    not null,
    updated_at         integer not null
) without rowid;
insert into task_run_v3 select id, name, task_name, version, state, flow_run_id, parent_task_run_id, tags, parameters,
    history, attempts, cache_key, cached_from_run_id, error_type, error_message, error_stack, created_at, start_time,
    end_time, sort_time, duration_us, owner_id, updated_at from task_run;
drop table task_run;
alter table task_run_v3 rename to task_run;
create index task_run_by_time      on task_run (sort_time, id);
create index task_run_by_task      on task_run (task_name, sort_time, id);
-- Task runs by state: only the runs that did not complete. Most task runs complete, and this is one index
-- entry fewer to write for each of them; a query for states without COMPLETED says so in the words of
-- this condition, and one with COMPLETED reads the time or task name index, where completed runs are dense.
create index task_run_by_state     on task_run (state, sort_time, id) where state <> 'COMPLETED';
create index task_run_by_flow_run  on task_run (flow_run_id, sort_time, id);
create index task_run_expiring     on task_run (end_time) where flow_run_id is null;
create index task_run_unfinished   on task_run (owner_id) where state in ('SCHEDULED', 'PENDING', 'RUNNING', 'RETRYING');
