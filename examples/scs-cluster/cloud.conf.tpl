[Global]
auth-url=${auth_url}
region=${region}
application-credential-id=${id}
application-credential-secret=${secret}
tenant-id=${project_id}

[LoadBalancer]
manage-security-groups=true
use-octavia=true
enable-ingress-hostname=true
