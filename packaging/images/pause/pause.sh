#!/bin/sh
# Sandbox ("pause") process: holds the pod's namespaces, reaps orphans, exits 0 on SIGTERM/SIGINT.
# ash's `wait` reaps every exited child (waitpid(-1)), so re-parented zombies never pile up.
trap 'exit 0' TERM INT
while :; do
  sleep 86400 &
  wait $!
done
