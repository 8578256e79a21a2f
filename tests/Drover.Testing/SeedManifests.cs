namespace Drover.Testing;

/// <summary>
/// The seed Deployment and Service (examples/), copied for a cluster test or benchmark with the changes the
/// issue allows: a fast readiness probe (no initial delay, 1 s period, instead of 5 s and 10 s, so a
/// replica counts as ready within a second of serving) and RollingUpdate maxUnavailable 0 (never fewer
/// ready replicas than asked during a rollout). Everything else is the seed's text, unchanged.
/// </summary>
public static class SeedManifests
{
    public const string DeploymentName = "my-app";
    public const string ServiceName = "my-app-service";
    public const string ContainerName = "app";
    public const string Selector = "app=my-app";
    public const string ImageV1 = "my-app:v1.0";
    public const string ImageV2 = "my-app:v2.0";
    public const int TargetPort = 3000;

    /// <summary>The seed Ingress's host and its two backends (examples/seed-ingress.yaml).</summary>
    public const string IngressHost = "api.example.com";
    public const string IngressName = "my-ingress";
    public static readonly IReadOnlyList<string> IngressServices = ["user-service", "order-service"];

    /// <summary>Writes deployment.yaml and service.yaml into <paramref name="directory"/> (created); returns it, for `drover apply -f`.</summary>
    public static string Write(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "deployment.yaml"), Deployment());
        File.Copy(Path.Combine(RepoPaths.Examples, "seed-service.yaml"), Path.Combine(directory, "service.yaml"), overwrite: true);
        return directory;
    }

    /// <summary>
    /// The seed Ingress unchanged (ingress.yaml) and, for each of its services (user-service, order-service),
    /// the seed Deployment and Service renamed to it (selector app=NAME): two real Deployments behind the
    /// seed's host and paths. Returns <paramref name="directory"/>, for `drover apply -f`.
    /// </summary>
    public static string WriteIngressScenario(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(RepoPaths.Examples, "seed-ingress.yaml"), Path.Combine(directory, "ingress.yaml"), overwrite: true);
        var service = File.ReadAllText(Path.Combine(RepoPaths.Examples, "seed-service.yaml"));
        foreach (var name in IngressServices)
        {
            var deployment = Replace(Deployment(), "\n  name: " + DeploymentName + "\n", "\n  name: " + name + "\n");
            File.WriteAllText(Path.Combine(directory, name + "-deployment.yaml"), Replace(deployment, "app: " + DeploymentName, "app: " + name));
            var renamed = Replace(service, "name: " + ServiceName, "name: " + name);
            File.WriteAllText(Path.Combine(directory, name + "-service.yaml"), Replace(renamed, "app: " + DeploymentName, "app: " + name));
        }
        return directory;
    }

    /// <summary>
    /// The autoscaling scenario: the seed Deployment, Service and HorizontalPodAutoscaler (unchanged), and an Ingress
    /// for <paramref name="host"/> sending every path to my-app-service (the seed Ingress routes to other services).
    /// Returns <paramref name="directory"/>, for `drover apply -f`.
    /// </summary>
    public static string WriteAutoscalingScenario(string directory, string host)
    {
        WriteBehindIngress(directory, host);
        File.Copy(Path.Combine(RepoPaths.Examples, "seed-hpa.yaml"), Path.Combine(directory, "hpa.yaml"), overwrite: true);
        return directory;
    }

    /// <summary>
    /// The seed Deployment and Service (as <see cref="Write"/>) and an Ingress for <paramref name="host"/> sending every
    /// path to my-app-service: the seed app behind drover-ingress (the soak and memory benchmarks). Returns
    /// <paramref name="directory"/>, for `drover apply -f`.
    /// </summary>
    public static string WriteBehindIngress(string directory, string host)
    {
        Write(directory);
        File.WriteAllText(Path.Combine(directory, "ingress.yaml"), $$"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: my-app
            spec:
              rules:
                - host: {{host}}
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: {{ServiceName}}
                            port:
                              number: 80
            """);
        return directory;
    }

    private static string Deployment()
    {
        var deployment = File.ReadAllText(Path.Combine(RepoPaths.Examples, "seed-deployment.yaml"));
        deployment = Replace(deployment, "initialDelaySeconds: 5", "initialDelaySeconds: 0");
        deployment = Replace(deployment, "periodSeconds: 10", "periodSeconds: 1");
        return Replace(deployment, "\n  replicas: 3\n", "\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 0\n");
    }

    // Fails loudly when the seed changes under the test instead of silently testing something else.
    private static string Replace(string text, string from, string to) =>
        text.Contains(from, StringComparison.Ordinal)
            ? text.Replace(from, to, StringComparison.Ordinal)
            : throw new InvalidOperationException($"the seed manifests in examples/ no longer contain \"{from.Trim()}\"; update SeedManifests");
}
