using Drover.Testing;

namespace Drover.E2E.Compatibility.Tests;

/// <summary>
/// managedFields of non-apply writes, through the real kubectl: what `kubectl create`, `scale`, `edit` and `patch`
/// change is recorded as theirs (operation Update), so a later `kubectl apply --server-side` conflicts with it and
/// names the manager as Kubernetes does.
/// </summary>
public sealed partial class KubectlTests
{
    private const string ManagersJsonPath = """jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}/{.subresource}{"\n"}{end}""";

    [Fact]
    public async Task ApplyServerSide_AfterScaleEditAndPatch_ConflictsNameTheirManagers()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        var seed = Seed("seed-deployment.yaml");
        await _kubectl.SucceedAsync("-n", ns, "apply", "--server-side", "-f", seed);

        // kubectl scale writes the scale subresource; the field is recorded on the Deployment as the subresource's.
        await _kubectl.SucceedAsync("-n", ns, "scale", "deployment/my-app", "--replicas=5");
        Assert.Equal("kubectl/Apply/\nkubectl/Update/scale\n", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", ManagersJsonPath));
        var scaled = await _kubectl.RunAsync("-n", ns, "apply", "--server-side", "-f", seed);
        Assert.Equal(1, scaled.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas", scaled.Stderr, StringComparison.Ordinal);
        Assert.Equal("5", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas}"));

        // kubectl edit (fieldManager kubectl-edit) changes the image: the applier no longer owns it.
        var editor = WriteTemp("#!/bin/sh\nsed -i 's/image: my-app:v1.0/image: my-app:v2.0/' \"$1\"\n");
        File.SetUnixFileMode(editor, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var edited = await _kubectl.RunAsync(Kubectl.DefaultTimeout, new Dictionary<string, string> { ["KUBE_EDITOR"] = editor, ["EDITOR"] = editor }, "-n", ns, "edit", "deployment/my-app");
        Assert.True(edited.ExitCode == 0, edited.ToString());
        await _kubectl.SucceedAsync("-n", ns, "patch", "deployment", "my-app", "--type", "merge", "-p", """{"spec":{"minReadySeconds":4}}""");
        Assert.Equal("kubectl/Apply/\nkubectl/Update/scale\nkubectl-edit/Update/\nkubectl-patch/Update/\n",
            await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", ManagersJsonPath));

        var conflicts = await _kubectl.RunAsync("-n", ns, "apply", "--server-side", "-f", seed);
        Assert.Equal(1, conflicts.ExitCode);
        Assert.Contains("Apply failed with 2 conflicts: conflicts with \"kubectl\" with subresource \"scale\" using apps/v1:\n- .spec.replicas\n"
            + "conflicts with \"kubectl-edit\" using apps/v1:\n- .spec.template.spec.containers[name=\"app\"].image", conflicts.Stderr, StringComparison.Ordinal);

        // Forced, the applier takes both fields back; the patch's field was never applied, so it stays kubectl-patch's.
        await _kubectl.SucceedAsync("-n", ns, "apply", "--server-side", "--force-conflicts", "-f", seed);
        Assert.Equal("3 my-app:v1.0 4", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.minReadySeconds}"));
        Assert.Equal("kubectl/Apply/\nkubectl-patch/Update/\n", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", ManagersJsonPath));
    }

    [Fact]
    public async Task CreateThenApplyServerSide_CreatorOwnsDefaultsToo_ChangedValueConflicts()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        await _kubectl.SucceedAsync("-n", ns, "create", "configmap", "settings", "--from-literal=mode=edge");

        Assert.Equal("kubectl-create/Update/\n", await _kubectl.SucceedAsync("-n", ns, "get", "configmap", "settings", "-o", ManagersJsonPath));
        Assert.Equal("""{"f:data":{".":{},"f:mode":{}}}""", await _kubectl.SucceedAsync("-n", ns, "get", "configmap", "settings", "-o", "jsonpath={.metadata.managedFields[0].fieldsV1}"));

        var manifest = WriteTemp("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: core\n");
        var conflict = await _kubectl.RunAsync("-n", ns, "apply", "--server-side", "-f", manifest);
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.mode", conflict.Stderr, StringComparison.Ordinal);
    }
}
