#!/bin/sh
ray start --head --port=6379
