#!/bin/sh
# Runs once, on the first start of the compose PostgreSQL (docker-entrypoint-initdb.d), as
# its superuser: the two login roles of README "Database roles" and the database the owner
# owns. Migration 0005 (run as the owner) makes orderagent_tenant and orderagent_system and
# grants them to orderagent_app; nothing else ever connects as the superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v owner_pw="$ORDERAGENT_OWNER_PASSWORD" -v app_pw="$ORDERAGENT_APP_PASSWORD" <<'SQL'
CREATE ROLE orderagent_owner LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD :'owner_pw';
CREATE ROLE orderagent_app LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE
    PASSWORD :'app_pw';
CREATE DATABASE orderagent OWNER orderagent_owner;
SQL
