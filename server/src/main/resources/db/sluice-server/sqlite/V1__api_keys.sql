create table sluice_api_keys (
    id          text    not null primary key,
    name        text    not null,
    role        text    not null,
    key_hash    text    not null,
    created_at  integer not null,
    revoked_at  integer
);
create unique index sluice_api_keys_active_name on sluice_api_keys (name) where revoked_at is null;
