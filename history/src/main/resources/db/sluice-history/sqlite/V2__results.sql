-- sluice-history schema 2 (SQLite): cached task results shared by every process on this database,
-- and the locks that make two processes compute a key once.

create table result_entry (
    key          text    not null primary key,
    task_name    text    not null,
    task_version text,
    run_id       text    not null,
    created_at   integer not null,
    type         text    not null,
    json         text    not null
);

create table result_lock (
    key         text    not null primary key,
    owner_id    text    not null,
    acquired_at integer not null
);
