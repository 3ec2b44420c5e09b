#!/bin/sh
# As the official image's: arguments that start with `-` are redis-server's (`args: ["--appendonly", "yes"]`).
case "$1" in -*) set -- redis-server "$@" ;; esac
exec "$@"
