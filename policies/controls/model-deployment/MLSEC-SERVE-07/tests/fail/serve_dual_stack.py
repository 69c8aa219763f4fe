"""Start a local Ray runtime whose dashboard is reachable over IPv6 too."""

import ray

# ruleid: ray-init-dashboard-all-interfaces
ray.init(num_cpus=8, dashboard_host="::", dashboard_port=8265)
