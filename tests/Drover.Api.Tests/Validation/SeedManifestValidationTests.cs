namespace Drover.Api.Tests;

public class SeedManifestValidationTests
{
    [Theory]
    [InlineData(Manifests.Deployment)]
    [InlineData(Manifests.Service)]
    [InlineData(Manifests.Ingress)]
    [InlineData(Manifests.Hpa)]
    public void Validate_DefaultedSeedManifest_HasNoErrors(string file)
    {
        Manifests.AssertNoErrors(Manifests.DefaultAndValidate(Manifests.Read(file)));
    }

    [Theory]
    [InlineData(Manifests.Deployment)]
    [InlineData(Manifests.Service)]
    [InlineData(Manifests.Ingress)]
    [InlineData(Manifests.Hpa)]
    public void Validate_UndefaultedSeedManifest_HasNoErrors(string file)
    {
        Manifests.AssertNoErrors(ObjectValidator.Validate(Manifests.Decode(Manifests.Read(file))));
    }

    [Theory]
    [InlineData(Manifests.Deployment)]
    [InlineData(Manifests.Service)]
    [InlineData(Manifests.Ingress)]
    [InlineData(Manifests.Hpa)]
    public void ValidateUpdate_SeedAgainstItself_HasNoErrors(string file)
    {
        var obj = ObjectDefaulter.ApplyDefaults(Manifests.Decode(Manifests.Read(file)));
        var again = ObjectDefaulter.ApplyDefaults(Manifests.Decode(Manifests.Read(file)));
        Manifests.AssertNoErrors(ObjectValidator.ValidateUpdate(again, obj));
    }

    [Fact]
    public void ApplyDefaults_SeedDeployment_GetsKubernetesDefaults()
    {
        var deployment = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);

        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy!.Type);
        Assert.Equal(new IntOrString("25%"), deployment.Spec.Strategy.RollingUpdate!.MaxSurge);
        Assert.Equal(new IntOrString("25%"), deployment.Spec.Strategy.RollingUpdate.MaxUnavailable);
        Assert.Equal(10, deployment.Spec.RevisionHistoryLimit);
        Assert.Equal(600, deployment.Spec.ProgressDeadlineSeconds);
        var pod = deployment.Spec.Template.Spec;
        Assert.Equal("Always", pod.RestartPolicy);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        Assert.Equal("ClusterFirst", pod.DnsPolicy);
        Assert.Equal("default-scheduler", pod.SchedulerName);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("IfNotPresent", container.ImagePullPolicy);
        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
        var probe = container.ReadinessProbe!;
        Assert.Equal(5, probe.InitialDelaySeconds);
        Assert.Equal(10, probe.PeriodSeconds);
        Assert.Equal(1, probe.TimeoutSeconds);
        Assert.Equal(1, probe.SuccessThreshold);
        Assert.Equal(3, probe.FailureThreshold);
        Assert.Equal("HTTP", probe.HttpGet!.Scheme);
        Assert.Equal("/health", probe.HttpGet.Path);
        Assert.Equal(Quantity.Parse("250m"), container.Resources!.Requests!["cpu"]);
    }

    [Fact]
    public void ApplyDefaults_SeedService_GetsKubernetesDefaults()
    {
        var service = Manifests.LoadDefaulted<Service>(Manifests.Service);

        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal("None", service.Spec.SessionAffinity);
        var port = Assert.Single(service.Spec.Ports!);
        Assert.Equal("TCP", port.Protocol);
        Assert.Equal(new IntOrString(3000), port.TargetPort);
    }

    [Fact]
    public void ApplyDefaults_SeedIngress_LeavesPathTypeAsWritten()
    {
        var ingress = Manifests.LoadDefaulted<Ingress>(Manifests.Ingress);

        var paths = Assert.Single(ingress.Spec.Rules!).Http!.Paths;
        Assert.Equal(["Prefix", "Prefix"], paths.Select(p => p.PathType));
        Assert.Equal(["/users", "/orders"], paths.Select(p => p.Path));
    }

    [Fact]
    public void ApplyDefaults_SeedHpa_KeepsGivenMinReplicasAndMetric()
    {
        var hpa = Manifests.LoadDefaulted<HorizontalPodAutoscaler>(Manifests.Hpa);

        Assert.Equal(2, hpa.Spec.MinReplicas);
        Assert.Equal(10, hpa.Spec.MaxReplicas);
        var metric = Assert.Single(hpa.Spec.Metrics!);
        Assert.Equal(70, metric.Resource!.Target.AverageUtilization);
        Assert.Null(hpa.Spec.Behavior);
    }
}
