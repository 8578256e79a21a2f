using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>The built CLI against a real droverd, with the seed manifests, as the README tells users to run it.</summary>
[Trait("Category", "Process")]
public sealed class CliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task Apply_SeedDirectory_CreatesThenUnchangedThenConfigured()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var first = await CliRunner.RunAsync(_server, "apply", "-f", RepoPaths.Examples, "-n", ns);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("deployment.apps/my-app created", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("service/my-app-service created", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("ingress.networking.k8s.io/my-ingress created", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("horizontalpodautoscaler.autoscaling/my-app-hpa created", first.Stdout, StringComparison.Ordinal);

        var second = await CliRunner.RunAsync(_server, "apply", "-f", RepoPaths.Examples, "-n", ns);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("deployment.apps/my-app unchanged", second.Stdout, StringComparison.Ordinal);

        var changed = Manifests.Seed("seed-deployment.yaml").Replace("replicas: 3", "replicas: 4", StringComparison.Ordinal);
        var third = await CliRunner.RunWithInputAsync(_server, changed, "apply", "-f", "-", "-n", ns);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("deployment.apps/my-app configured", third.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, (await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app")).Spec.Replicas);
    }

    [Fact]
    public async Task Apply_InvalidDocument_NamesFileFieldAndValueAndAppliesNothing()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var dir = Directory.CreateTempSubdirectory("drover-cli-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "a-service.yaml"), Manifests.Seed("seed-service.yaml"));
            File.WriteAllText(Path.Combine(dir, "b-deployment.yaml"), Manifests.Seed("seed-deployment.yaml").Replace("cpu: \"250m\"", "cpu: \"lots\"", StringComparison.Ordinal));
            var result = await CliRunner.RunAsync(_server, "apply", "-f", dir, "-n", ns);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("b-deployment.yaml", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("spec.template.spec.containers[0].resources.requests.cpu", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("lots", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", result.Stderr, StringComparison.Ordinal);
            Assert.Empty((await _client.ListAsync(ResourceTypes.Services, ns)).Items);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Apply_ServerRejectsObject_ExitNonZeroWithServerMessage()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var invalid = Manifests.Seed("seed-deployment.yaml").Replace("cpu: \"250m\"", "cpu: \"2\"", StringComparison.Ordinal);
        var result = await CliRunner.RunWithInputAsync(_server, invalid, "apply", "-f", "-", "-n", ns);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.template.spec.containers[0].resources.requests.cpu", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Deployments_PrintsKubectlTable()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliRunner.RunAsync(_server, "apply", "-f", Path.Combine(RepoPaths.Examples, "seed-deployment.yaml"), "-n", ns);
        var result = await CliRunner.RunAsync(_server, "get", "deploy", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE", lines[0]);
        // UP-TO-DATE counts the pods the ReplicaSet controller has created meanwhile (none is ready: no nodes).
        Assert.Matches("^my-app\\s+0/3\\s+[0-3]\\s+0\\s+\\d+s", lines[1]);
    }

    [Fact]
    public async Task Get_OutputYamlAndJson_RoundTripThroughDecoder()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliRunner.RunAsync(_server, "apply", "-f", Path.Combine(RepoPaths.Examples, "seed-ingress.yaml"), "-n", ns);
        var yaml = await CliRunner.RunAsync(_server, "get", "ing", "my-ingress", "-o", "yaml", "-n", ns);
        Assert.True(yaml.ExitCode == 0, yaml.ToString());
        var fromYaml = (Ingress)ObjectDecoder.Decode(YamlToJson.ConvertSingle(yaml.Stdout));
        Assert.Equal("api.example.com", fromYaml.Spec.Rules![0].Host);

        var json = await CliRunner.RunAsync(_server, "get", "ingress", "my-ingress", "-o", "json", "-n", ns);
        var fromJson = (Ingress)ObjectDecoder.Decode(System.Text.Encoding.UTF8.GetBytes(json.Stdout));
        Assert.Equal(fromYaml.Metadata.Uid, fromJson.Metadata.Uid);
    }

    [Fact]
    public async Task Get_NodesOnEmptyCluster_SaysNoResources()
    {
        var result = await CliRunner.RunAsync(_server, "get", "nodes");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No resources found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownKindOrMissingObject_ExitNonZero()
    {
        var unknown = await CliRunner.RunAsync(_server, "get", "frobnicators");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("frobnicators", unknown.Stderr, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync(_server, "get", "deployment", "nope");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NotFound", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_Deployment_ShowsReplicasAndEvents()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliRunner.RunAsync(_server, "apply", "-f", Path.Combine(RepoPaths.Examples, "seed-deployment.yaml"), "-n", ns);
        var result = await CliRunner.RunAsync(_server, "describe", "deployment", "my-app", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Name:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("my-app", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("RollingUpdate", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Events:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_FromFile_RemovesObjects()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliRunner.RunAsync(_server, "apply", "-f", RepoPaths.Examples, "-n", ns);
        var result = await CliRunner.RunAsync(_server, "delete", "-f", RepoPaths.Examples, "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("deployment.apps \"my-app\" deleted", result.Stdout, StringComparison.Ordinal);
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Deployments, ns, "my-app"));
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Services, ns, "my-app-service"));
    }

    [Fact]
    public async Task Version_PrintsClientAndServer()
    {
        var result = await CliRunner.RunAsync(_server, "version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Client Version: v0.1.0", result.Stdout, StringComparison.Ordinal);
        // droverd reports the Kubernetes version its API follows, Drover's own in the build metadata.
        Assert.Contains("Server Version: v1.32.0+drover0.1.0", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_ServerDown_ClearErrorNoStackTrace()
    {
        var dir = Directory.CreateTempSubdirectory("drover-cli-down-").FullName;
        try
        {
            var config = Path.Combine(dir, "config");
            var settings = ClientSettings.Load(_server.ClientConfigPath);
            ClientSettings.Write(config, new Uri("https://127.0.0.1:1"), settings.Token, settings.CaPem);
            var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add(RepoPaths.Cli);
            info.ArgumentList.Add("get");
            info.ArgumentList.Add("pods");
            info.Environment["DROVER_CONFIG"] = config;
            using var process = System.Diagnostics.Process.Start(info)!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("cannot reach droverd", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task KubeconfigAndContext_AsKubectlTakesThem()
    {
        var dir = Directory.CreateTempSubdirectory("drover-cli-kubeconfig-").FullName;
        try
        {
            // A second context in the same file, pointing at nothing: --context picks it, the current one still works.
            var config = Path.Combine(dir, "kubeconfig");
            var text = File.ReadAllText(_server.ClientConfigPath);
            File.WriteAllText(config, text.Replace("contexts:\n", "contexts:\n- name: elsewhere\n  context:\n    cluster: nowhere\n    user: admin\n", StringComparison.Ordinal)
                .Replace("clusters:\n", "clusters:\n- name: nowhere\n  cluster:\n    server: https://127.0.0.1:1\n", StringComparison.Ordinal));

            async Task<CliResult> RunAsync(string? kubeconfigVariable, params string[] args)
            {
                var info = CliRunner.StartInfo(_server, redirectInput: false, args);
                info.Environment.Remove("DROVER_CONFIG");
                if (kubeconfigVariable is not null)
                    info.Environment["KUBECONFIG"] = kubeconfigVariable;
                using var process = System.Diagnostics.Process.Start(info)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                return new CliResult(process.ExitCode, await stdout, await stderr);
            }

            var byFlag = await RunAsync(null, "--kubeconfig", config, "get", "namespaces");
            Assert.True(byFlag.ExitCode == 0, byFlag.ToString());
            Assert.Contains("kube-system", byFlag.Stdout, StringComparison.Ordinal);
            var byVariable = await RunAsync(Path.Combine(dir, "missing") + ":" + config, "get", "namespaces");
            Assert.True(byVariable.ExitCode == 0, byVariable.ToString());
            var otherContext = await RunAsync(config, "--context", "elsewhere", "get", "namespaces");
            Assert.NotEqual(0, otherContext.ExitCode);
            Assert.Contains("cannot reach droverd", otherContext.Stderr, StringComparison.Ordinal);
            var noSuchContext = await RunAsync(config, "--context", "nope", "get", "namespaces");
            Assert.NotEqual(0, noSuchContext.ExitCode);
            Assert.Contains("context \"nope\" does not exist", noSuchContext.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Delete_SelectorAllAndWait_AsKubectl()
    {
        var client = _server.Client();
        var ns = await TestNamespaces.CreateAsync(client);
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", "web") })
            await client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["tier"] = tier } } });

        var bySelector = await CliRunner.RunAsync(_server, "delete", "configmaps", "-l", "tier=web", "-n", ns);
        Assert.True(bySelector.ExitCode == 0, bySelector.ToString());
        Assert.Equal("configmap \"a\" deleted\nconfigmap \"c\" deleted\n", bySelector.Stdout);
        var both = await CliRunner.RunAsync(_server, "delete", "configmaps", "-l", "tier=db", "--all", "-n", ns);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("--all and --selector cannot be used together", both.Stderr, StringComparison.Ordinal);
        var everything = await CliRunner.RunAsync(_server, "delete", "configmaps", "--all", "--wait", "--timeout", "30s", "-n", ns);
        Assert.True(everything.ExitCode == 0, everything.ToString());
        Assert.Contains("configmap \"b\" deleted", everything.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain((await client.ListAsync(ResourceTypes.ConfigMaps, ns)).Items, i => i.Metadata.Name is "a" or "b" or "c");
        var none = await CliRunner.RunAsync(_server, "delete", "configmaps", "-l", "tier=web", "-n", ns);
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("No resources found", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ShowLabelsAndLabelColumns_ExtraColumns()
    {
        var client = _server.Client();
        var ns = await TestNamespaces.CreateAsync(client);
        await client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "a", Namespace = ns, Labels = new() { ["tier"] = "web" } } });

        var result = await CliRunner.RunAsync(_server, "get", "configmap", "a", "-L", "tier,zone", "--show-labels", "-n", ns);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^NAME\s+DATA\s+AGE\s+TIER\s+ZONE\s+LABELS\na\s+0\s+\S+\s+web\s+tier=web\n$", result.Stdout);
    }

    [Fact]
    public async Task Get_SeveralKindsAllJsonPathCustomColumnsSortBy_AsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        Assert.Equal(0, (await CliRunner.RunAsync(_server, "apply", "-f", Path.Combine(RepoPaths.Examples, "seed-deployment.yaml"), "-n", ns)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(_server, "apply", "-f", Path.Combine(RepoPaths.Examples, "seed-service.yaml"), "-n", ns)).ExitCode);
        foreach (var (name, size) in new[] { ("b", "3"), ("a", "10"), ("c", "2") })
            await _client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["size"] = size } }, Data = new() { ["n"] = size } });

        var several = await CliRunner.RunAsync(_server, "get", "deploy,svc", "-n", ns);
        Assert.True(several.ExitCode == 0, several.ToString());
        Assert.Matches(@"(?m)^deployment\.apps/my-app\s+\d/3", several.Stdout);
        Assert.Matches(@"(?m)^service/my-app-service\s+ClusterIP", several.Stdout);
        Assert.Contains("\n\nNAME", several.Stdout, StringComparison.Ordinal);

        var all = await CliRunner.RunAsync(_server, "get", "all", "-n", ns);
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Matches(@"(?m)^service/my-app-service\s", all.Stdout);
        Assert.Matches(@"(?m)^deployment\.apps/my-app\s", all.Stdout);
        Assert.Matches(@"(?m)^replicaset\.apps/my-app-", all.Stdout);

        var jsonPath = await CliRunner.RunAsync(_server, "get", "cm", "-n", ns, "-l", "size", "-o", "jsonpath={range .items[*]}{.metadata.name}={.data.n}{\"\\n\"}{end}");
        Assert.True(jsonPath.ExitCode == 0, jsonPath.ToString());
        Assert.Equal("a=10\nb=3\nc=2\n", jsonPath.Stdout);

        var one = await CliRunner.RunAsync(_server, "get", "deploy", "my-app", "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[*].image}");
        Assert.Equal("my-app:v1.0", one.Stdout);

        var columns = await CliRunner.RunAsync(_server, "get", "cm", "-n", ns, "-l", "size", "--sort-by", ".data.n", "-o", "custom-columns=NAME:.metadata.name,SIZE:.metadata.labels.size,MISSING:.spec.x");
        Assert.True(columns.ExitCode == 0, columns.ToString());
        Assert.Matches(@"^NAME\s+SIZE\s+MISSING\na\s+10\s+<none>\nc\s+2\s+<none>\nb\s+3\s+<none>\n$", columns.Stdout);

        var byName = await CliRunner.RunAsync(_server, "get", "cm", "-n", ns, "-l", "size", "--sort-by", "{.metadata.name}", "-o", "name");
        Assert.Equal("configmap/a\nconfigmap/b\nconfigmap/c\n", byName.Stdout);

        var bad = await CliRunner.RunAsync(_server, "get", "cm", "-n", ns, "-o", "jsonpath={.items[");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error parsing jsonpath", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_ForJsonPathDeleteCreateAndTimeout_AsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        ConfigMap Map(string name, string value) => new() { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["wait"] = "yes" } }, Data = new() { ["state"] = value } };
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Map("w", "starting"));

        var waiting = CliRunner.RunAsync(_server, "wait", "configmap/w", "--for=jsonpath={.data.state}=done", "--timeout=60s", "-n", ns);
        await Task.Delay(1000);
        await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, "w", """{"data":{"state":"done"}}""");
        var met = await waiting;
        Assert.True(met.ExitCode == 0, met.ToString());
        Assert.Equal("configmap/w condition met\n", met.Stdout);

        var created = CliRunner.RunAsync(_server, "wait", "cm", "later", "--for=create", "--timeout=60s", "-n", ns);
        await Task.Delay(1000);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Map("later", "x"));
        Assert.Equal(0, (await created).ExitCode);

        var selected = await CliRunner.RunAsync(_server, "wait", "cm", "-l", "wait=yes", "--for=jsonpath={.metadata.name}", "--timeout=60s", "-n", ns);
        Assert.True(selected.ExitCode == 0, selected.ToString());
        Assert.Equal("configmap/later condition met\nconfigmap/w condition met\n", selected.Stdout);

        // A finalizer holds both objects for a while; whether the CLI starts before they go or after, they are gone.
        foreach (var name in new[] { "w", "later" })
        {
            await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, name, """{"metadata":{"finalizers":["drover.test/hold"]}}""");
            await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, name);
        }
        var deleted = CliRunner.RunAsync(_server, "wait", "cm/w", "cm/later", "--for=delete", "--timeout=60s", "-n", ns);
        await Task.Delay(1000);
        foreach (var name in new[] { "w", "later" })
            await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, name, """{"metadata":{"finalizers":null}}""");
        var gone = await deleted;
        Assert.True(gone.ExitCode == 0, gone.ToString());
        Assert.Contains("configmap/later condition met", gone.Stdout, StringComparison.Ordinal);

        await _client.CreateAsync(ResourceTypes.ConfigMaps, Map("never", "x"));
        var timedOut = await CliRunner.RunAsync(_server, "wait", "cm/never", "--for=condition=Ready", "--timeout=1s", "-n", ns);
        Assert.Equal(1, timedOut.ExitCode);
        Assert.Contains("error: timed out waiting for the condition on configmaps/never", timedOut.Stderr, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync(_server, "wait", "cm/absent", "--for=condition=Ready", "--timeout=5s", "-n", ns);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NotFound", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyDryRunServerSideAndDiff_AsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var seed = Path.Combine(RepoPaths.Examples, "seed-deployment.yaml");

        var dryCreate = await CliRunner.RunAsync(_server, "apply", "-f", seed, "-n", ns, "--dry-run=server");
        Assert.True(dryCreate.ExitCode == 0, dryCreate.ToString());
        Assert.Equal("deployment.apps/my-app created (server dry run)\n", dryCreate.Stdout);
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Deployments, ns, "my-app"));

        var newObject = await CliRunner.RunAsync(_server, "diff", "-f", seed, "-n", ns);
        Assert.True(newObject.ExitCode == 1, newObject.ToString());
        Assert.Contains("+  name: my-app", newObject.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync(_server, "apply", "-f", seed, "-n", ns)).ExitCode);
        var same = await CliRunner.RunAsync(_server, "diff", "-f", seed, "-n", ns);
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Equal("", same.Stdout);

        var changed = Manifests.Seed("seed-deployment.yaml").Replace("replicas: 3", "replicas: 5", StringComparison.Ordinal);
        var diff = await CliRunner.RunWithInputAsync(_server, changed, "diff", "-f", "-", "-n", ns);
        Assert.True(diff.ExitCode == 1, diff.ToString());
        Assert.Matches(@"(?m)^-  replicas: 3$", diff.Stdout);
        Assert.Matches(@"(?m)^\+  replicas: 5$", diff.Stdout);
        Assert.Contains($"apps.v1.Deployment.{ns}.my-app", diff.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("managedFields", diff.Stdout, StringComparison.Ordinal);

        var dryPatch = await CliRunner.RunWithInputAsync(_server, changed, "apply", "-f", "-", "-n", ns, "--dry-run=server");
        Assert.Equal("deployment.apps/my-app configured (server dry run)\n", dryPatch.Stdout);
        var dryClient = await CliRunner.RunWithInputAsync(_server, changed, "apply", "-f", "-", "-n", ns, "--dry-run=client");
        Assert.Equal("deployment.apps/my-app configured (dry run)\n", dryClient.Stdout);
        Assert.Equal(3, (await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app")).Spec.Replicas);

        var config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: one\n";
        var ssa = await CliRunner.RunWithInputAsync(_server, config, "apply", "--server-side", "-f", "-", "-n", ns);
        Assert.True(ssa.ExitCode == 0, ssa.ToString());
        Assert.Equal("configmap/ssa serverside-applied\n", ssa.Stdout);
        var conflict = await CliRunner.RunWithInputAsync(_server, config.Replace("one", "two", StringComparison.Ordinal), "apply", "--server-side", "--field-manager", "other", "-f", "-", "-n", ns);
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("conflict", conflict.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".data.a", conflict.Stderr, StringComparison.Ordinal);
        var forced = await CliRunner.RunWithInputAsync(_server, config.Replace("one", "two", StringComparison.Ordinal), "apply", "--server-side", "--field-manager", "other", "--force-conflicts", "-f", "-", "-n", ns);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("two", (await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "ssa")).Data!["a"]);
    }

    [Fact]
    public async Task Edit_WithEditorScript_PatchesCancelsAndKeepsRefusedCopy()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "e", Namespace = ns }, Data = new() { ["a"] = "one" } });
        var dir = Directory.CreateTempSubdirectory("drover-edit-").FullName;
        try
        {
            string Editor(string name, string sed)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllText(path, $"#!/bin/sh\nsed -i '{sed}' \"$1\"\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return path;
            }
            Task<CliResult> Edit(string editor) => CliRunner.RunWithEnvironmentAsync(_server, null, new Dictionary<string, string> { ["EDITOR"] = editor, ["KUBE_EDITOR"] = editor }, "edit", "cm/e", "-n", ns);

            var edited = await Edit(Editor("change.sh", "s/a: one/a: two/"));
            Assert.True(edited.ExitCode == 0, edited.ToString());
            Assert.Equal("configmap/e edited\n", edited.Stdout);
            Assert.Equal("two", ((ConfigMap)await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "e")).Data!["a"]);
            // The CLI's User-Agent names it as the field manager of what it changed, as kubectl's does.
            var fields = ((ConfigMap)await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "e")).Metadata.ManagedFields!;
            Assert.Equal("""{"f:data":{"f:a":{}}}""", Assert.Single(fields, f => f.Manager == "drover" && f.Operation == "Update").FieldsV1!.Value.GetRawText());

            var unchanged = await Edit(Editor("same.sh", "s/nothing-matches//"));
            Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
            Assert.Equal("Edit cancelled, no changes made.\n", unchanged.Stdout);

            var renamed = await Edit(Editor("rename.sh", "s/name: e$/name: other/"));
            Assert.Equal(1, renamed.ExitCode);
            Assert.Contains("cannot be changed", renamed.Stderr, StringComparison.Ordinal);
            Assert.Contains("A copy of your changes has been stored to", renamed.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
