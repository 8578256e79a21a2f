using System.Text;
using Drover.Api;

namespace Drover.Agent.Volumes.Tests;

public sealed class EnvResolverTests
{
    private static readonly NodeResources Node = new(4000, 8L << 30, 100L << 30);

    private static readonly Pod Pod = new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "web", Namespace = "edge", Uid = "u1", Labels = new() { ["app"] = "web" } },
        Spec = new PodSpec { NodeName = "node-1", Containers = [new Container { Name = "app", Resources = new ResourceRequirements { Limits = new() { ["memory"] = Quantity.Parse("256Mi"), ["cpu"] = Quantity.Parse("1500m") } } }] },
    };

    private static readonly PodObjects Objects = new()
    {
        ConfigMaps = new Dictionary<string, ConfigMap?>
        {
            ["cfg"] = new ConfigMap { Data = new() { ["mode"] = "edge", ["LEVEL"] = "debug", ["bad key"] = "x" } },
            ["absent"] = null,
        },
        Secrets = new Dictionary<string, Secret?>
        {
            ["creds"] = new Secret { Data = new() { ["password"] = Encoding.UTF8.GetBytes("s3cret"), ["USER"] = Encoding.UTF8.GetBytes("admin") } },
        },
    };

    private static EnvResolver.Result Resolve(Container container, PodObjects? objects = null) =>
        EnvResolver.Resolve(Pod, container with { Name = "app", Resources = Pod.Spec.Containers[0].Resources }, objects ?? Objects, "10.88.5.7", "10.88.5.1", Node);

    private static EnvVar Ref(string name, EnvVarSource source) => new() { Name = name, ValueFrom = source };

    [Fact]
    public void Resolve_EveryKind_ValuesInOrderEnvOverridesEnvFrom()
    {
        var result = Resolve(new Container
        {
            EnvFrom = [new EnvFromSource { ConfigMapRef = new ConfigMapEnvSource { Name = "cfg" } }, new EnvFromSource { Prefix = "DB_", SecretRef = new SecretEnvSource { Name = "creds" } }],
            Env =
            [
                new EnvVar { Name = "LEVEL", Value = "info" },
                Ref("MODE", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cfg", Key = "mode" } }),
                Ref("PASSWORD", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "creds", Key = "password" } }),
                Ref("POD_IP", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.podIP" } }),
                Ref("HOST_IP", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "status.hostIP" } }),
                Ref("NODE", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "spec.nodeName" } }),
                Ref("APP", new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.labels['app']" } }),
                Ref("MEM_MI", new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "limits.memory", Divisor = Quantity.Parse("1Mi") } }),
                Ref("CPUS", new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "limits.cpu" } }),
                Ref("REQ_MEM", new EnvVarSource { ResourceFieldRef = new ResourceFieldSelector { Resource = "requests.memory" } }),
                new EnvVar { Name = "URL", Value = "http://$(POD_IP):80/$(NOPE)/$$(POD_IP)" },
            ],
        });

        Assert.Null(result.Error);
        Assert.Equal(["bad key"], result.SkippedKeys);
        Assert.Equal(
            [
                ("LEVEL", "info"), ("mode", "edge"), ("DB_USER", "admin"), ("DB_password", "s3cret"), ("MODE", "edge"), ("PASSWORD", "s3cret"),
                ("POD_IP", "10.88.5.7"), ("HOST_IP", "10.88.5.1"), ("NODE", "node-1"), ("APP", "web"), ("MEM_MI", "256"), ("CPUS", "2"), ("REQ_MEM", "0"),
                ("URL", "http://10.88.5.7:80/$(NOPE)/$(POD_IP)"),
            ],
            result.Env.Select(e => (e.Key, e.Value)));
    }

    [Theory]
    [InlineData("secret key", "couldn't find key nope in Secret edge/creds")]
    [InlineData("configmap key", "couldn't find key nope in ConfigMap edge/cfg")]
    [InlineData("configmap", "configmap \"absent\" not found")]
    [InlineData("envFrom secret", "secret \"unread\" could not be read: connection refused")]
    public void Resolve_MissingRequired_ErrorNamesTheKey(string scenario, string expected)
    {
        var container = scenario switch
        {
            "secret key" => new Container { Env = [Ref("P", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "creds", Key = "nope" } })] },
            "configmap key" => new Container { Env = [Ref("P", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "cfg", Key = "nope" } })] },
            "configmap" => new Container { Env = [Ref("P", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "absent", Key = "k" } })] },
            _ => new Container { EnvFrom = [new EnvFromSource { SecretRef = new SecretEnvSource { Name = "unread" } }] },
        };

        var result = Resolve(container, new PodObjects { ConfigMaps = Objects.ConfigMaps, Secrets = Objects.Secrets, ReadError = "connection refused" });

        Assert.Equal(expected, result.Error);
        Assert.Empty(result.Env);
    }

    [Fact]
    public void Resolve_MissingOptional_LeftOut()
    {
        var result = Resolve(new Container
        {
            Env =
            [
                Ref("A", new EnvVarSource { SecretKeyRef = new SecretKeySelector { Name = "creds", Key = "nope", Optional = true } }),
                Ref("B", new EnvVarSource { ConfigMapKeyRef = new ConfigMapKeySelector { Name = "absent", Key = "k", Optional = true } }),
                new EnvVar { Name = "C", Value = "c" },
            ],
            EnvFrom = [new EnvFromSource { ConfigMapRef = new ConfigMapEnvSource { Name = "absent", Optional = true } }],
        });

        Assert.Null(result.Error);
        Assert.Equal([("C", "c")], result.Env.Select(e => (e.Key, e.Value)));
    }
}
