using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Auth.Tests;

/// <summary>
/// The objects of the authorization matrix: the names the table's targets stand for, and a manifest for a new
/// object of every kind (the body of a create, or a throw-away object a delete removes).
/// </summary>
internal static class MatrixObjects
{
    public const string Namespace = "authz";

    /// <summary>The image every matrix pod runs (imported into each node's containerd by run-private.sh).</summary>
    public const string Image = "my-app:v1.0";

    private static int _counter;

    public static string NewName() => "m-" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..5];

    /// <summary>The pod bound to <paramref name="node"/> that pulls with <c>NODE-pull</c> (written to the store: the API refuses imagePullSecrets).</summary>
    public static string PullerPod(string node) => node + "-puller";

    /// <summary>
    /// The name a target stands for, seen from <paramref name="own"/>'s side; null for the collection. "new*"
    /// targets resolve to the stable object a refused asker is pointed at.
    /// </summary>
    public static string? NameOf(ResourceType type, string target, string own, string other) => (type.Plural, target) switch
    {
        (_, "coll") => null,
        ("namespaces", "shared") => Namespace,
        ("nodes" or "leases", "own") => own,
        ("nodes" or "leases", "other") => other,
        ("pods", "own" or "new" or "new-own") => own + "-pod",
        ("pods", "other" or "new-other") => other + "-pod",
        ("secrets", "own") => own + "-pull",
        ("secrets", "other") => other + "-pull",
        ("secrets", "cred-own") => own + ".node-credential",
        ("secrets", "cred-other") => other + ".node-credential",
        ("secrets", "tls" or "unused") => target,
        ("events", "shared") => "matrix-ev",
        ("events", "own") => own + "-ev",
        ("events", "other") => other + "-ev",
        ("replicasets", "shared") => "rs",
        ("configmaps", "shared") => "cfg",
        ("endpointslices", "shared") => "matrix-eps",
        ("ingressclasses", "shared") => "drover",
        (_, "shared") => "web",
        _ => throw new ArgumentException($"no {target} {type.Plural} in the matrix"),
    };

    /// <summary>A new object of <paramref name="type"/> named <paramref name="name"/>, as YAML; pods bound to <paramref name="node"/> when given.</summary>
    public static string Manifest(ResourceType type, string? ns, string name, string reporter, string? node = null) => Header(type, ns, name) + type.Plural switch
    {
        "namespaces" or "nodes" or "endpoints" => "",
        "pods" => $"""
            spec:
              {(node is null ? "nodeSelector:\n    drover.io/matrix: nowhere" : "nodeName: " + node)}
              terminationGracePeriodSeconds: 1
              containers:
                - name: app
                  image: "{Image}"

            """,
        "services" => $"""
            spec:
              selector:
                app: {name}
              ports:
                - port: 80
                  targetPort: 3000

            """,
        "endpointslices" => """
            addressType: IPv4

            """,
        "configmaps" => """
            data:
              k: v

            """,
        "secrets" => """
            type: Opaque
            stringData:
              k: v

            """,
        "events" => $"""
            involvedObject:
              apiVersion: v1
              kind: Node
              name: {reporter}
            reason: MatrixProbe
            message: the authorization matrix was here
            type: Normal
            source:
              component: drover-agent
              host: {reporter}
            reportingComponent: drover-agent
            reportingInstance: {reporter}

            """,
        "deployments" or "replicasets" => $"""
            spec:
              replicas: 0
              selector:
                matchLabels:
                  app: {name}
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  containers:
                    - name: app
                      image: "{Image}"

            """,
        // On no node: the matrix counts the pods it made, and a DaemonSet must not add any.
        "daemonsets" => $"""
            spec:
              selector:
                matchLabels:
                  app: {name}
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  nodeSelector:
                    matrix.example.com/none: "true"
                  containers:
                    - name: app
                      image: "{Image}"

            """,
        "controllerrevisions" => """
            data:
              spec: {}
            revision: 1

            """,
        // Suspended: the matrix counts the pods it made, and a Job must not add any.
        "jobs" => $"""
            spec:
              suspend: true
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: app
                      image: "{Image}"

            """,
        "cronjobs" => $"""
            spec:
              schedule: "0 3 * * *"
              suspend: true
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: app
                          image: "{Image}"

            """,
        "horizontalpodautoscalers" => """
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: absent
              minReplicas: 1
              maxReplicas: 2

            """,
        "ingresses" => $"""
            spec:
              rules:
                - host: {name}.example.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: web
                            port:
                              number: 80

            """,
        "ingressclasses" => """
            spec:
              controller: example.com/matrix

            """,
        "leases" => $"""
            spec:
              holderIdentity: {name}
              leaseDurationSeconds: 40

            """,
        _ => throw new ArgumentException($"no manifest for {type.Plural}"),
    };

    private static string Header(ResourceType type, string? ns, string name) => $"""
        apiVersion: {type.ApiVersion}
        kind: {type.Kind}
        metadata:
          name: {name}
        {(ns is null ? "" : "  namespace: " + ns + "\n")}
        """;
}
