#!/bin/sh
# ok: ray-dashboard-all-interfaces
ray start --head --port=6379
