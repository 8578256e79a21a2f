using Drover.Api;
using Drover.Testing;

namespace Drover.ControlPlane.Testing;

/// <summary>
/// A droverd whose store holds, from before it started (<see cref="StoreSeed"/>), namespace "refs" with Secrets
/// "pull-a", "pull-b" and "unused", and pods "web-a" (bound to node "refs-a", pulling with "pull-a") and "web-b"
/// (bound to "refs-b", pulling with "pull-b"): what the node authorizer must let each node read.
/// </summary>
public sealed class ReferencingPodsDroverdFixture : IAsyncLifetime
{
    public const string Namespace = "refs";
    public const string NodeA = "refs-a";
    public const string NodeB = "refs-b";

    private DroverdProcess? _server;

    public DroverdProcess Server => _server ?? throw new InvalidOperationException("not started");

    public static Secret NewSecret(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Type = "kubernetes.io/dockerconfigjson",
        Data = new() { [".dockerconfigjson"] = "{\"auths\":{}}"u8.ToArray() },
    };

    public static Pod PullingPod(string name, string node, string secret) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Spec = new PodSpec
        {
            NodeName = node,
            Containers = [new Container { Name = "app", Image = "registry.example.com/app:v1" }],
            ImagePullSecrets = [new LocalObjectReference { Name = secret }],
        },
        Status = new PodStatus { Phase = "Pending" },
    };

    public async Task InitializeAsync()
    {
        var data = Directory.CreateTempSubdirectory("drover-refs-").FullName;
        await StoreSeed.WriteAsync(data,
        [
            new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = Namespace } },
            NewSecret("pull-a"), NewSecret("pull-b"), NewSecret("unused"),
            PullingPod("web-a", NodeA, "pull-a"), PullingPod("web-b", NodeB, "pull-b"),
        ]);
        _server = await DroverdProcess.StartAsync(data);
    }

    public async Task DisposeAsync()
    {
        if (_server is null)
            return;
        await _server.DisposeAsync();
        // Given to it, the directory is not droverd's to remove.
        Directory.Delete(_server.DataDirectory, recursive: true);
    }
}
