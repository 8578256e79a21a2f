using System.Text;

namespace Drover.Api.Tests;

/// <summary>The kinds without a seed manifest, built in code.</summary>
public class OtherKindsValidationTests
{
    private static ObjectMeta Meta(string name = "x") => new() { Name = name };

    private static Pod ValidPod() => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = Meta("web-0"),
        Spec = new PodSpec { Containers = [new Container { Name = "web", Image = "nginx:1.27" }] },
    };

    public static TheoryData<KubeObject, string, FieldErrorType> InvalidObjects => new()
    {
        { ValidPod() with { Spec = new PodSpec() }, "spec.containers", FieldErrorType.Required },
        { ValidPod() with { Spec = ValidPod().Spec with { RestartPolicy = "Sometimes" } }, "spec.restartPolicy", FieldErrorType.NotSupported },
        { ValidPod() with { Spec = ValidPod().Spec with { ActiveDeadlineSeconds = 0 } }, "spec.activeDeadlineSeconds", FieldErrorType.Invalid },
        { ValidPod() with { Spec = ValidPod().Spec with { Hostname = "Web_0" } }, "spec.hostname", FieldErrorType.Invalid },
        { ValidPod() with { Spec = ValidPod().Spec with { HostNetwork = true, Containers = [new Container { Name = "web", Image = "nginx", Ports = [new ContainerPort { Port = 80, HostPort = 8080 }] }] } }, "spec.containers[0].ports[0].hostPort", FieldErrorType.Invalid },
        { ValidPod() with { Spec = ValidPod().Spec with { Containers = [new Container { Name = "web", Image = " nginx" }] } }, "spec.containers[0].image", FieldErrorType.Invalid },
        { new Secret { Metadata = Meta(), Data = new() { ["bad key"] = [1] } }, "data[bad key]", FieldErrorType.Invalid },
        { new Secret { Metadata = Meta(), Data = new() { [".."] = [1] } }, "data[..]", FieldErrorType.Invalid },
        { new Secret { Metadata = Meta(), Data = new() { ["big"] = new byte[SecretValidation.MaxSize + 1] } }, "data", FieldErrorType.TooLong },
        { new Secret { Metadata = Meta(), Type = "kubernetes.io/tls", Data = new() { ["tls.crt"] = [1] } }, "data[tls.key]", FieldErrorType.Required },
        { new ConfigMap { Metadata = Meta(), Data = new() { ["a b"] = "x" } }, "data[a b]", FieldErrorType.Invalid },
        { new ConfigMap { Metadata = Meta(), Data = new() { ["k"] = "x" }, BinaryData = new() { ["k"] = [1] } }, "data.k", FieldErrorType.Invalid },
        { new Node { Metadata = Meta("node-1"), Spec = new NodeSpec { Taints = [new Taint { Key = "gpu", Effect = "Sometimes" }] } }, "spec.taints[0].effect", FieldErrorType.NotSupported },
        { new Node { Metadata = Meta("node-1"), Spec = new NodeSpec { Taints = [new Taint { Key = "bad key", Effect = "NoSchedule" }] } }, "spec.taints[0].key", FieldErrorType.Invalid },
        { new Node { Metadata = Meta("node-1"), Spec = new NodeSpec { Taints = [new Taint { Key = "gpu", Effect = "NoSchedule" }, new Taint { Key = "gpu", Value = "x", Effect = "NoSchedule" }] } }, "spec.taints[1]", FieldErrorType.Duplicate },
        { new Node { Metadata = Meta("node-1"), Spec = new NodeSpec { PodCIDR = "10.42.0.0/33" } }, "spec.podCIDR", FieldErrorType.Invalid },
        { new Node { Metadata = Meta("node-1") with { Namespace = "default" } }, "metadata.namespace", FieldErrorType.Forbidden },
        { new Event { Metadata = Meta("web.17a"), InvolvedObject = new ObjectReference { Name = "web" } }, "involvedObject.kind", FieldErrorType.Required },
        { new Event { Metadata = Meta("web.17a"), InvolvedObject = new ObjectReference { Kind = "Pod" } }, "involvedObject.name", FieldErrorType.Required },
        { new Namespace { Metadata = Meta("team.a") }, "metadata.name", FieldErrorType.Invalid },
        { new Namespace { Metadata = Meta(new string('a', 64)) }, "metadata.name", FieldErrorType.Invalid },
        { new Lease { Metadata = Meta("node-1"), Spec = new LeaseSpec { LeaseDurationSeconds = 0 } }, "spec.leaseDurationSeconds", FieldErrorType.Invalid },
        { new Endpoints { Metadata = Meta("web"), Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "10.0.0.300" }] }] }, "subsets[0].addresses[0].ip", FieldErrorType.Invalid },
        { new Endpoints { Metadata = Meta("web"), Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "127.0.0.1" }] }] }, "subsets[0].addresses[0].ip", FieldErrorType.Invalid },
        { new Endpoints { Metadata = Meta("web"), Subsets = [new EndpointSubset { Ports = [new EndpointPort { Port = 80 }] }] }, "subsets[0]", FieldErrorType.Required },
        { new Endpoints { Metadata = Meta("web"), Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "10.42.0.5" }], Ports = [new EndpointPort { Port = 0 }] }] }, "subsets[0].ports[0].port", FieldErrorType.Invalid },
        { ValidPod() with { Metadata = Meta("web") with { Annotations = new() { ["big"] = new string('x', MetadataValidation.MaxAnnotationBytes) } } }, "metadata.annotations", FieldErrorType.TooLong },
    };

    [Theory]
    [MemberData(nameof(InvalidObjects))]
    public void Validate_InvalidObject_ReportsFieldPath(KubeObject obj, string field, FieldErrorType type)
    {
        Manifests.AssertError(ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(obj)), field, type);
    }

    public static TheoryData<KubeObject> ValidObjects => new()
    {
        ValidPod(),
        new Secret { Metadata = Meta(), Type = "kubernetes.io/tls", StringData = new() { ["tls.crt"] = "c", ["tls.key"] = "k" } },
        new ConfigMap { Metadata = Meta(), Data = new() { ["app.properties"] = "a=b" }, BinaryData = new() { ["logo.png"] = [1, 2] } },
        new Node { Metadata = Meta("edge-1"), Spec = new NodeSpec { PodCIDR = "10.42.1.0/24", Taints = [new Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoExecute" }] } },
        new Event { Metadata = Meta("web.17a") with { Namespace = "default" }, InvolvedObject = new ObjectReference { Kind = "Pod", Name = "web", Namespace = "default" }, Type = "Normal" },
        new Namespace { Metadata = Meta("team-a") },
        new Lease { Metadata = Meta("edge-1"), Spec = new LeaseSpec { HolderIdentity = "edge-1", LeaseDurationSeconds = 40 } },
        new Endpoints { Metadata = Meta("web"), Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "10.42.0.5" }], Ports = [new EndpointPort { Port = 3000 }] }] },
    };

    [Theory]
    [MemberData(nameof(ValidObjects))]
    public void Validate_ValidObject_HasNoErrors(KubeObject obj)
    {
        Manifests.AssertNoErrors(ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(obj)));
    }

    [Fact]
    public void Validate_SecretStringDataBeforeDefaulting_CountsTowardsSize()
    {
        var secret = new Secret { Metadata = Meta(), StringData = new() { ["big"] = new string('x', SecretValidation.MaxSize + 1) } };

        Manifests.AssertError(ObjectValidator.Validate(secret), "data", FieldErrorType.TooLong);
        Assert.Equal(SecretValidation.MaxSize + 1, Encoding.UTF8.GetByteCount(secret.StringData["big"]));
    }
}
