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
    public void Validate_InitContainers_AcceptedAsTheAgentRunsThem()
    {
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App], InitContainers = [new Container { Name = "init", Image = "busybox" }] }));
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_PostStartHook_ForbiddenWithPath()
    {
        var hooked = App with { Lifecycle = new Lifecycle { PostStart = new LifecycleHandler { Sleep = new SleepAction { Seconds = 5 } } } };
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [hooked] }));
        Assert.Contains(errors, e => e.Field == "spec.containers[0].lifecycle.postStart" && e.Type == FieldErrorType.Forbidden);
    }

    [Theory]
    [InlineData("sleep")]
    [InlineData("exec")]
    [InlineData("httpGet")]
    public void Validate_PreStopHook_AcceptedAsTheAgentRunsIt(string handler)
    {
        var hook = handler switch
        {
            "sleep" => new LifecycleHandler { Sleep = new SleepAction { Seconds = 5 } },
            "exec" => new LifecycleHandler { Exec = new ExecAction { Command = ["sh", "-c", "sleep 5"] } },
            _ => new LifecycleHandler { HttpGet = new HttpGetAction { Path = "/drain", Port = 3000 } },
        };
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App with { Lifecycle = new Lifecycle { PreStop = hook } }] }));
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ImagePullSecrets_AcceptedAsTheAgentPullsWithThem()
    {
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App], ImagePullSecrets = [new LocalObjectReference { Name = "regcred" }] }));
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ImagePullSecretWithoutName_RequiredWithPath()
    {
        var errors = ObjectValidator.Validate(PodWith(new PodSpec { Containers = [App], ImagePullSecrets = [new LocalObjectReference { Name = "" }] }));
        Assert.Contains(errors, e => e.Field == "spec.imagePullSecrets[0].name" && e.Type == FieldErrorType.Required);
    }
}
