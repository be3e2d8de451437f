create table sluice_api_keys (
    id          varchar(32)  not null primary key,
    name        varchar(64)  not null,
    role        varchar(16)  not null,
    key_hash    varchar(64)  not null,
    created_at  bigint       not null,
    revoked_at  bigint
);
create unique index sluice_api_keys_active_name on sluice_api_keys (name) where revoked_at is null;
