using Drover.Api;
using Drover.Cli.Pods;

namespace Drover.Cli.Pods.Tests;

/// <summary>The container exec and logs use without -c: kubectl 1.32's annotation, else the first, and its stderr lines.</summary>
public sealed class DefaultContainerTests
{
    private static Pod Pod(string? annotation = null, bool init = false, params string[] containers) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "web",
            Namespace = "default",
            Annotations = annotation is null ? null : new Dictionary<string, string> { [DefaultContainer.Annotation] = annotation },
        },
        Spec = new PodSpec
        {
            InitContainers = init ? [new Container { Name = "setup", Image = "x" }] : null,
            Containers = [.. containers.Select(c => new Container { Name = c, Image = "x" })],
        },
    };

    [Fact]
    public void OneContainer_ChosenSilently()
    {
        using var error = new StringWriter();
        Assert.Equal("app", DefaultContainer.ForExec(Pod(null, false, "app"), error));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Several_FirstChosen_AndNamedOnStderrWithInitContainers()
    {
        using var error = new StringWriter();
        Assert.Equal("app", DefaultContainer.ForLogs(Pod(null, true, "app", "sidecar"), error));
        Assert.Equal("Defaulted container \"app\" out of: setup (init), app, sidecar\n", error.ToString());
    }

    [Fact]
    public void InitContainerAndOneApp_StillSaid()
    {
        using var error = new StringWriter();
        Assert.Equal("app", DefaultContainer.ForExec(Pod(null, true, "app"), error));
        Assert.Equal("Defaulted container \"app\" out of: setup (init), app\n", error.ToString());
    }

    [Fact]
    public void Annotation_ChoosesSilently()
    {
        using var error = new StringWriter();
        Assert.Equal("sidecar", DefaultContainer.ForLogs(Pod("sidecar", false, "app", "sidecar"), error));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void AnnotationNamingNoContainer_LogsSayItExecDoesNot()
    {
        using var logs = new StringWriter();
        using var exec = new StringWriter();
        Assert.Equal("app", DefaultContainer.ForLogs(Pod("gone", false, "app", "sidecar"), logs));
        Assert.Equal("app", DefaultContainer.ForExec(Pod("gone", false, "app", "sidecar"), exec));
        Assert.Equal("Default container name \"gone\" not found in pod web\nDefaulted container \"app\" out of: app, sidecar\n", logs.ToString());
        Assert.Equal("Defaulted container \"app\" out of: app, sidecar\n", exec.ToString());
    }
}
