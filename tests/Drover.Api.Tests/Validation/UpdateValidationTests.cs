namespace Drover.Api.Tests;

public class UpdateValidationTests
{
    private static Pod RunningPod() => (Pod)ObjectDefaulter.ApplyDefaults(new Pod
    {
        Metadata = new ObjectMeta { Name = "web-0", Namespace = "default", Uid = "u1" },
        Spec = new PodSpec
        {
            Containers = [new Container { Name = "web", Image = "nginx:1.26" }],
            ActiveDeadlineSeconds = 600,
            Tolerations = [new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 }],
        },
    });

    [Fact]
    public void ValidateUpdate_DeploymentSelectorChanged_ReportsImmutableSelector()
    {
        var existing = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);
        var selector = new LabelSelector { MatchLabels = new() { ["app"] = "my-app", ["tier"] = "web" } };
        var updated = existing with { Spec = existing.Spec with { Selector = selector } };

        var errors = ObjectValidator.ValidateUpdate(updated, existing);

        Manifests.AssertError(errors, "spec.selector", FieldErrorType.Invalid);
    }

    [Fact]
    public void ValidateUpdate_DeploymentSelectorEqualButNewInstance_IsAccepted()
    {
        var existing = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);
        var updated = existing with
        {
            Spec = existing.Spec with { Replicas = 5, Selector = new LabelSelector { MatchLabels = new() { ["app"] = "my-app" } } },
        };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(updated, existing));
    }

    [Fact]
    public void ValidateUpdate_NameChanged_ReportsImmutableName()
    {
        var existing = Manifests.LoadDefaulted<Service>(Manifests.Service);
        var updated = existing with { Metadata = existing.Metadata with { Name = "other" } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("metadata.name: Invalid value: \"other\": field is immutable", error.ToString());
    }

    [Fact]
    public void ValidateUpdate_KindChanged_ReportsKind()
    {
        var existing = Manifests.LoadDefaulted<Service>(Manifests.Service);

        var error = Assert.Single(ObjectValidator.ValidateUpdate(Manifests.LoadDefaulted<Ingress>(Manifests.Ingress), existing));

        Assert.Equal("kind", error.Field);
    }

    [Fact]
    public void ValidateUpdate_ServiceClusterIpChanged_ReportsImmutableClusterIp()
    {
        var seed = Manifests.LoadDefaulted<Service>(Manifests.Service);
        var existing = seed with { Spec = seed.Spec with { ClusterIP = "10.96.0.10" } };
        var updated = seed with { Spec = seed.Spec with { ClusterIP = "10.96.0.11" } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("spec.clusterIP", error.Field);
    }

    [Fact]
    public void ValidateUpdate_ServiceClusterIpOmitted_IsAccepted()
    {
        var seed = Manifests.LoadDefaulted<Service>(Manifests.Service);
        var existing = seed with { Spec = seed.Spec with { ClusterIP = "10.96.0.10" } };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(seed, existing));
    }

    [Fact]
    public void ValidateUpdate_PodImageChanged_IsAccepted()
    {
        var existing = RunningPod();
        var updated = existing with { Spec = existing.Spec with { Containers = [existing.Spec.Containers[0] with { Image = "nginx:1.27" }] } };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(updated, existing));
    }

    [Fact]
    public void ValidateUpdate_PodTolerationAddedAndDeadlineShortened_IsAccepted()
    {
        var existing = RunningPod();
        var updated = existing with
        {
            Spec = existing.Spec with
            {
                ActiveDeadlineSeconds = 300,
                Tolerations = [existing.Spec.Tolerations![0] with { TolerationSeconds = 60 }, new Toleration { Key = "gpu", Operator = "Exists" }],
            },
        };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(updated, existing));
    }

    [Fact]
    public void ValidateUpdate_PodTolerationRemoved_ReportsForbiddenTolerations()
    {
        var existing = RunningPod();
        var updated = existing with { Spec = existing.Spec with { Tolerations = [] } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("spec.tolerations", error.Field);
        Assert.Equal(FieldErrorType.Forbidden, error.Type);
    }

    [Fact]
    public void ValidateUpdate_PodDeadlineExtended_ReportsDeadline()
    {
        var existing = RunningPod();
        var updated = existing with { Spec = existing.Spec with { ActiveDeadlineSeconds = 900 } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("spec.activeDeadlineSeconds", error.Field);
    }

    [Fact]
    public void ValidateUpdate_PodBoundToNode_IsAccepted()
    {
        var existing = RunningPod();

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(existing with { Spec = existing.Spec with { NodeName = "edge-1" } }, existing));
    }

    [Fact]
    public void ValidateUpdate_PodMovedToOtherNode_ReportsForbiddenSpec()
    {
        var bound = RunningPod() with { Spec = RunningPod().Spec with { NodeName = "edge-1" } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(bound with { Spec = bound.Spec with { NodeName = "edge-2" } }, bound));

        Assert.Equal("spec", error.Field);
    }

    [Fact]
    public void ValidateUpdate_PodNodeSelectorChanged_ReportsForbiddenSpec()
    {
        var existing = RunningPod();
        var updated = existing with { Spec = existing.Spec with { NodeSelector = new() { ["zone"] = "a" } } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("spec", error.Field);
        Assert.Equal(FieldErrorType.Forbidden, error.Type);
    }

    [Fact]
    public void ValidateUpdate_ImmutableSecretDataChanged_ReportsForbiddenData()
    {
        var existing = new Secret { Metadata = new ObjectMeta { Name = "s" }, Type = "Opaque", Immutable = true, Data = new() { ["k"] = [1] } };
        var updated = existing with { Data = new() { ["k"] = [2] } };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("data: Forbidden: field is immutable when `immutable` is set", error.ToString());
    }

    [Fact]
    public void ValidateUpdate_ImmutableSecretSameDataNewInstance_IsAccepted()
    {
        var existing = new Secret { Metadata = new ObjectMeta { Name = "s" }, Type = "Opaque", Immutable = true, Data = new() { ["k"] = [1] } };
        var updated = existing with { Data = new() { ["k"] = [1] } };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(updated, existing));
    }

    [Fact]
    public void ValidateUpdate_SecretTypeChanged_ReportsType()
    {
        var existing = new Secret { Metadata = new ObjectMeta { Name = "s" }, Type = "Opaque" };
        var updated = existing with { Type = "example.com/token" };

        Assert.Equal("type", Assert.Single(ObjectValidator.ValidateUpdate(updated, existing)).Field);
    }

    [Fact]
    public void ValidateUpdate_ImmutableConfigMapUnset_ReportsForbiddenImmutable()
    {
        var existing = new ConfigMap { Metadata = new ObjectMeta { Name = "c" }, Immutable = true, Data = new() { ["k"] = "v" } };
        var updated = existing with { Immutable = false };

        var error = Assert.Single(ObjectValidator.ValidateUpdate(updated, existing));

        Assert.Equal("immutable", error.Field);
        Assert.Equal(FieldErrorType.Forbidden, error.Type);
    }

    [Fact]
    public void ValidateUpdate_MutableConfigMapChanged_IsAccepted()
    {
        var existing = new ConfigMap { Metadata = new ObjectMeta { Name = "c" }, Data = new() { ["k"] = "v" } };

        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(existing with { Data = new() { ["k"] = "w" } }, existing));
    }

    [Fact]
    public void ValidateUpdate_IngressClassControllerChanged_ReportsController()
    {
        var existing = new IngressClass { Metadata = new ObjectMeta { Name = "drover" }, Spec = new IngressClassSpec { Controller = "drover.dev/ingress" } };
        var updated = existing with { Spec = new IngressClassSpec { Controller = "example.com/other" } };

        Assert.Equal("spec.controller", Assert.Single(ObjectValidator.ValidateUpdate(updated, existing)).Field);
    }

    [Fact]
    public void ValidateUpdate_NodePodCidrMoved_ReportsForbiddenPodCidr()
    {
        var existing = new Node { Metadata = new ObjectMeta { Name = "edge-1" }, Spec = new NodeSpec { PodCIDR = "10.42.1.0/24" } };
        var updated = existing with { Spec = new NodeSpec { PodCIDR = "10.42.2.0/24" } };

        Assert.Equal("spec.podCIDR", Assert.Single(ObjectValidator.ValidateUpdate(updated, existing)).Field);
    }
}
