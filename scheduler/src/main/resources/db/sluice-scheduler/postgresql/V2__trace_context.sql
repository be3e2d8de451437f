-- sluice-scheduler schema 2: the context a run was asked for in (a JSON object of text, such as W3C traceparent
-- and tracestate, written by the dev.sluice.ContextCarrier implementations on the triggering process's class
-- path), put back in force by the worker around starting the run's flow run; null when there was none.
alter table sluice_deployment_run add column trace_context text;
