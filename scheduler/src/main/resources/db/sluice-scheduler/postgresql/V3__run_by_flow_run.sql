-- sluice-scheduler schema 3: a deployment run found by the run history's flow run it started (the dashboard's
-- run page shows the cancel and run-again buttons of the deployment run behind any flow run, however old).
create index sluice_deployment_run_by_flow_run on sluice_deployment_run (flow_run_id);
