using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>
/// Objects the CLI tests start from (the seed Deployment, a node with no agent, bound pods) and a stand-in
/// for the node agent finishing pod deletions. Every node, ReplicaSet and pod made here is named "stand-in".
/// </summary>
internal static class CliStandIns
{
    /// <summary>
    /// The seed Deployment in <paramref name="ns"/>, as the user applies it; <paramref name="extraSpec"/> (YAML
    /// lines indented as the Deployment's spec fields) is added to its spec when given.
    /// </summary>
    public static async Task<Deployment> SeedDeploymentAsync(DroverdProcess server, DroverClient client, string ns, string? extraSpec = null)
    {
        var manifest = Path.Combine(RepoPaths.Examples, "seed-deployment.yaml");
        if (extraSpec is not null)
        {
            var yaml = File.ReadAllText(manifest).Replace("  replicas: 3\n", "  replicas: 3\n" + extraSpec, StringComparison.Ordinal);
            manifest = Path.Combine(Path.GetTempPath(), $"drover-seed-{Guid.NewGuid():N}.yaml");
            File.WriteAllText(manifest, yaml);
        }
        try
        {
            var applied = await CliRunner.RunAsync(server, "apply", "-f", manifest, "-n", ns);
            Assert.True(applied.ExitCode == 0, applied.ToString());
        }
        finally
        {
            if (extraSpec is not null)
                File.Delete(manifest);
        }
        return await client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
    }

    /// <summary>A node object with no agent behind it; a unique name, since nodes are cluster-wide.</summary>
    public static async Task<string> NodeAsync(DroverClient client)
    {
        var name = "stand-in-node-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name }, Spec = new NodeSpec() });
        return name;
    }

    /// <summary>A ReplicaSet of <paramref name="replicas"/> whose pods the test binds itself (so they have a controller).</summary>
    public static async Task<ReplicaSet> ReplicaSetAsync(DroverClient client, string ns, string name, int replicas)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        var rs = new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Spec = new ReplicaSetSpec
            {
                Replicas = replicas,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
                },
            },
        };
        return await client.CreateAsync(ResourceTypes.ReplicaSets, rs);
    }

    /// <summary>A pod already bound to <paramref name="node"/>, controlled by <paramref name="owner"/> when given.</summary>
    public static async Task<Pod> BoundPodAsync(DroverClient client, string ns, string name, string node, ReplicaSet? owner)
    {
        var pod = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ns,
                Labels = owner?.Spec.Template.Metadata?.Labels,
                OwnerReferences = owner is null ? null : [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = owner.Metadata.Name!, Uid = owner.Metadata.Uid!, Controller = true }],
            },
            Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        };
        return await client.CreateAsync(ResourceTypes.Pods, pod);
    }

    /// <summary>
    /// Does what the node's agent does for a pod being deleted: stops it (here: nothing to stop) and removes it
    /// with grace 0. Runs until <paramref name="ct"/> is cancelled.
    /// </summary>
    public static async Task KubeletAsync(DroverClient client, string node, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var pods = await client.ListAsync(ResourceTypes.Pods, null, fieldSelector: "spec.nodeName=" + node, ct: ct);
                foreach (var pod in pods.Items.Where(p => p.Metadata.DeletionTimestamp is not null))
                {
                    try
                    {
                        await client.DeleteAsync(ResourceTypes.Pods, pod.Metadata.Namespace, pod.Metadata.Name!, gracePeriodSeconds: 0, ct: ct);
                    }
                    catch (ApiClientException e) when (e.Code == 404)
                    {
                        // Gone already.
                    }
                }
                await Task.Delay(200, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The test is done with the node.
        }
    }
}
