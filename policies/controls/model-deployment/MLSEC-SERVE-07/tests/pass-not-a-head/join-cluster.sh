#!/bin/bash
# workers start no dashboard: the flag does nothing here
ray start --address="${HEAD_ADDRESS}:6379" \
  --dashboard-host=0.0.0.0 --block
