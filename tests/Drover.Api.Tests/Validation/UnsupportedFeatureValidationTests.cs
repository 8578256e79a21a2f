namespace Drover.Api.Tests;

/// <summary>Settings the agent does not honour yet are refused, never silently dropped.</summary>
public sealed class UnsupportedFeatureValidationTests
{
    private static Pod PodWith(PodSpec spec) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = "p", Namespace = "default" },
        Spec = spec,
    };

    private static Container App => new() { Name = "app", Image = "my-app:v1.0" };

    [Fact]
    public void Validate_InitContainers_ForbiddenWithPath()
    {
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App], InitContainers = [new Container { Name = "init", Image = "busybox" }] }));
        Assert.Contains(errors, e => e.Field == "spec.initContainers" && e.Type == FieldErrorType.Forbidden);
    }

    [Fact]
    public void Validate_LifecycleHooks_ForbiddenWithPath()
    {
        var hooked = App with { Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = 5 } } } };
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [hooked] }));
        Assert.Contains(errors, e => e.Field == "spec.containers[0].lifecycle" && e.Type == FieldErrorType.Forbidden);
    }

    [Fact]
    public void Validate_ImagePullSecrets_ForbiddenWithPath()
    {
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App], ImagePullSecrets = [new LocalObjectReference { Name = "regcred" }] }));
        Assert.Contains(errors, e => e.Field == "spec.imagePullSecrets" && e.Type == FieldErrorType.Forbidden);
    }
}
