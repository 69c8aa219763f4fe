import ray

# ruleid: ray-init-dashboard-all-interfaces
ray.init(include_dashboard=True, dashboard_host="0.0.0.0")
