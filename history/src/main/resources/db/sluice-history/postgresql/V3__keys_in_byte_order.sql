-- sluice-history schema 3 (PostgreSQL): ids, names of flows and tasks, states and tags compared byte by byte
-- (collation "C") instead of by the database's locale. Their order means nothing to a person, and with a
-- locale's collation every index comparison of a run id goes through strcoll: the writer inserts each task
-- run into five indexes and the retention purge and the queries seek them. (The SQLite schema 3 rebuilds
-- task_run without a rowid; SQLite compares text byte by byte already.)

alter table flow_run
    alter column id type text collate "C",
    alter column flow_name type text collate "C",
    alter column state type text collate "C",
    alter column parent_flow_run_id type text collate "C",
    alter column root_id type text collate "C",
    alter column owner_id type text collate "C";

alter table task_run
    alter column id type text collate "C",
    alter column task_name type text collate "C",
    alter column state type text collate "C",
    alter column flow_run_id type text collate "C",
    alter column parent_task_run_id type text collate "C",
    alter column owner_id type text collate "C";

alter table flow_run_tag
    alter column run_id type text collate "C",
    alter column tag type text collate "C";

alter table task_run_tag
    alter column run_id type text collate "C",
    alter column tag type text collate "C";

alter table log_line
    alter column flow_run_id type text collate "C",
    alter column task_run_id type text collate "C";

-- A run's name says which flow or task it is of ("load-17" is a run of "load"): without this the planner
-- multiplies the two conditions' selectivities, expects a handful of rows for a task name and a run name,
-- and sorts all the task's runs instead of reading them in order.
create statistics flow_run_name_of_flow (dependencies) on flow_name, name from flow_run;
create statistics task_run_name_of_task (dependencies) on task_name, name from task_run;

-- Task runs by state: only the runs that did not complete (most do: one index entry fewer to write for each);
-- a query for states without COMPLETED says so in the words of this condition.
drop index task_run_by_state;
create index task_run_by_state on task_run (state, sort_time, id) where state <> 'COMPLETED';
