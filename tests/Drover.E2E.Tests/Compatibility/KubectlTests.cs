using System.Text.RegularExpressions;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Compatibility.Tests;

/// <summary>
/// The real kubectl 1.32 against a real droverd: what a Kubernetes user types, with the output Kubernetes gives
/// (discovery, server-side tables, OpenAPI for apply's validation and explain, the three patch types, dry runs).
/// Pod readiness comes from <see cref="KubeletStandIn"/> (there is no agent in these tests).
/// </summary>
[Collection(KubectlCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class KubectlTests(DroverdFixture fixture)
{
    private readonly Kubectl _kubectl = new(fixture.Server.ClientConfigPath);

    [Fact]
    public async Task Version_Server_IsKubernetes132WithoutSkewWarning()
    {
        var result = await _kubectl.RunAsync("version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Server Version: v1\.32\.\d+\+drover", result.Stdout);
        Assert.DoesNotContain("WARNING", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(32, await Kubectl.ClientMinorAsync());
    }

    [Fact]
    public async Task ApiResources_EveryKind_ListedWithShortNamesAndMetrics()
    {
        var output = await _kubectl.SucceedAsync("api-resources");

        Assert.Matches(@"(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$", output);
        Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod$", output);
        Assert.Matches(@"(?m)^nodes\s+metrics\.k8s\.io/v1beta1\s+false\s+NodeMetrics$", output);
        Assert.Matches(@"(?m)^horizontalpodautoscalers\s+hpa\s+autoscaling/v2\s+true\s+HorizontalPodAutoscaler$", output);
        Assert.Contains("deployments", await _kubectl.SucceedAsync("api-resources", "--categories=all", "-o", "name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetNamespaces_Table_HasKubernetesColumns()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());

        var output = await _kubectl.SucceedAsync("get", "namespaces");

        Assert.Matches(@"^NAME\s+STATUS\s+AGE\n", output);
        Assert.Matches($@"(?m)^{ns}\s+Active\s+\d+s$", output);
    }

    [Fact]
    public async Task ApplySeed_ThenSetImageRolloutUndoScaleDelete_AsAgainstKubernetes()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        using var stop = new CancellationTokenSource();
        var kubelet = new KubeletStandIn(fixture.Server.Client()).KeepReadyAsync(ns, TimeSpan.FromMilliseconds(200), stop.Token);
        try
        {
            foreach (var file in new[] { "seed-deployment.yaml", "seed-service.yaml", "seed-hpa.yaml" })
                Assert.Matches(@"^\S+ created\n$", await _kubectl.SucceedAsync("-n", ns, "apply", "-f", Seed(file)));
            Assert.Equal("deployment.apps/my-app unchanged\n", await _kubectl.SucceedAsync("-n", ns, "apply", "-f", Seed("seed-deployment.yaml")));

            Assert.Contains("successfully rolled out", await _kubectl.SucceedAsync("-n", ns, "rollout", "status", "deployment/my-app", "--timeout=60s"), StringComparison.Ordinal);
            var table = await _kubectl.SucceedAsync("-n", ns, "get", "deployments");
            Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n", table);
            Assert.Matches(@"(?m)^my-app\s+3/3\s+3\s+3\s+\d+s$", table);
            // The stand-in kubelet reports the pod Running and Ready without container statuses: READY counts 0 of 1.
            Assert.Matches(@"(?m)^my-app-\w+-\w+\s+\d/1\s+Running\s+0\s+\d+s$", await _kubectl.SucceedAsync("-n", ns, "get", "pods"));
            Assert.Matches(@"IMAGES\s+SELECTOR\n.*my-app:v1\.0\s+app=my-app", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "wide"));

            Assert.Equal("deployment.apps/my-app image updated\n", await _kubectl.SucceedAsync("-n", ns, "set", "image", "deployment/my-app", "app=my-app:v2.0"));
            Assert.Contains("successfully rolled out", await _kubectl.SucceedAsync("-n", ns, "rollout", "status", "deployment/my-app", "--timeout=60s"), StringComparison.Ordinal);
            Assert.Equal("deployment.apps/my-app rolled back\n", await _kubectl.SucceedAsync("-n", ns, "rollout", "undo", "deployment/my-app"));
            Assert.Equal("my-app:v1.0", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));

            Assert.Equal("deployment.apps/my-app scaled\n", await _kubectl.SucceedAsync("-n", ns, "scale", "deployment/my-app", "--replicas=2"));
            Assert.Equal("2", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas}"));

            Assert.Equal("deployment.apps \"my-app\" deleted\n", await _kubectl.SucceedAsync("-n", ns, "delete", "-f", Seed("seed-deployment.yaml")));
            var gone = await _kubectl.RunAsync("-n", ns, "get", "deployment", "my-app");
            Assert.Equal(1, gone.ExitCode);
            Assert.Contains("Error from server (NotFound): deployments.apps \"my-app\" not found", gone.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            await kubelet;
        }
    }

    [Fact]
    public async Task Apply_UnknownField_RefusedNamingTheField()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        var seed = File.ReadAllText(Seed("seed-deployment.yaml"));
        var file = WriteTemp(seed.Replace("    spec:\n      containers:\n        - name: app\n", "    spec:\n      containers:\n        - name: app\n          imagePullPolicyy: Always\n", StringComparison.Ordinal));
        Assert.NotEqual(seed, File.ReadAllText(file));

        var result = await _kubectl.RunAsync("-n", ns, "apply", "-f", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_UnknownFieldValidateWarnOrFalse_AppliedWithoutTheField()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        var seed = File.ReadAllText(Seed("seed-deployment.yaml"));
        var file = WriteTemp(seed.Replace("    spec:\n      containers:\n        - name: app\n", "    spec:\n      containers:\n        - name: app\n          imagePullPolicyy: Always\n", StringComparison.Ordinal));

        // --validate=warn sends fieldValidation=Warn: applied, and kubectl prints the server's warning.
        var warned = await _kubectl.RunAsync("-n", ns, "apply", "--validate=warn", "-f", file);
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("Warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"", warned.Stderr, StringComparison.Ordinal);
        Assert.Contains("deployment.apps/my-app created", warned.Stdout, StringComparison.Ordinal);

        // --validate=false sends fieldValidation=Ignore: no warning; the stored object never has the field.
        var ignored = await _kubectl.RunAsync("-n", ns, "apply", "--validate=false", "-f", file);
        Assert.Equal(0, ignored.ExitCode);
        Assert.DoesNotContain("unknown field", ignored.Stderr, StringComparison.Ordinal);
        // (only kubectl's last-applied annotation, which is the file as sent, still has it — as in Kubernetes)
        var container = await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.template.spec.containers[0]}");
        Assert.Contains("my-app:v1.0", container, StringComparison.Ordinal);
        Assert.DoesNotContain("imagePullPolicyy", container, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthCanIAndWhoami_Admin_AnsweredByTheServer()
    {
        Assert.Equal("yes\n", await _kubectl.SucceedAsync("auth", "can-i", "create", "deployments"));
        Assert.Equal("yes\n", await _kubectl.SucceedAsync("auth", "can-i", "delete", "pods", "--namespace", "kube-system"));
        Assert.Matches(@"Username\s+admin", await _kubectl.SucceedAsync("auth", "whoami"));
        Assert.Contains("system:masters", await _kubectl.SucceedAsync("auth", "whoami", "-o", "json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_DeploymentStrategy_ListsItsFieldsWithKubernetesDescriptions()
    {
        var output = await _kubectl.SucceedAsync("explain", "deployment.spec.strategy");

        Assert.Contains("KIND:       Deployment", output, StringComparison.Ordinal);
        Assert.Contains("FIELD: strategy <DeploymentStrategy>", output, StringComparison.Ordinal);
        Assert.Contains("""
            DESCRIPTION:
                The deployment strategy to use to replace existing pods with new ones.
                DeploymentStrategy describes how to replace existing pods with new ones.
            """, output, StringComparison.Ordinal);
        Assert.Contains("""
              rollingUpdate	<RollingUpdateDeployment>
                Rolling update config params. Present only if DeploymentStrategyType =
                RollingUpdate.
            """, output, StringComparison.Ordinal);
        Assert.Contains("""
              type	<string>
              enum: Recreate, RollingUpdate
                Type of deployment. Can be "Recreate" or "RollingUpdate". Default is
                RollingUpdate.
            """, output, StringComparison.Ordinal);
        Assert.Contains(" - `\"Recreate\"` Kill all existing pods before creating new ones.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ContainerImagePullPolicy_EnumAndDescription()
    {
        var output = await _kubectl.SucceedAsync("explain", "pods.spec.containers.imagePullPolicy");

        Assert.Contains("ENUM:\n    Always\n    IfNotPresent\n    Never\n", output, StringComparison.Ordinal);
        Assert.Contains("Image pull policy. One of Always, Never, IfNotPresent.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_AllThreeTypes_ApplyAsKubernetes()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        await _kubectl.SucceedAsync("-n", ns, "apply", "-f", Seed("seed-deployment.yaml"));

        // Strategic: the container is merged by name, so its image and probe stay; a new env var is added.
        await _kubectl.SucceedAsync("-n", ns, "patch", "deployment", "my-app", "--type", "strategic",
            "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","value":"edge"}]}]}}}}""");
        Assert.Equal("my-app:v1.0 MODE=edge /health", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o",
            "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env[0].name}={.spec.template.spec.containers[0].env[0].value} {.spec.template.spec.containers[0].readinessProbe.httpGet.path}"));

        // Strategic delete directive: the env var by name.
        await _kubectl.SucceedAsync("-n", ns, "patch", "deployment", "my-app", "--type", "strategic",
            "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"MODE","$patch":"delete"}]}]}}}}""");
        Assert.DoesNotContain("MODE", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.template.spec.containers[0].env}"), StringComparison.Ordinal);

        await _kubectl.SucceedAsync("-n", ns, "patch", "deployment", "my-app", "--type", "json", "-p", """[{"op":"replace","path":"/spec/replicas","value":1}]""");
        await _kubectl.SucceedAsync("-n", ns, "patch", "deployment", "my-app", "--type", "merge", "-p", """{"metadata":{"labels":{"tier":"edge"}}}""");
        Assert.Equal("1 edge", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas} {.metadata.labels.tier}"));

        var failed = await _kubectl.RunAsync("-n", ns, "patch", "deployment", "my-app", "--type", "json", "-p", """[{"op":"test","path":"/spec/replicas","value":7}]""");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("test failed", failed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRunServer_ApplyScaleDelete_ChangeNothing()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());

        Assert.Equal("deployment.apps/my-app created (server dry run)\n", await _kubectl.SucceedAsync("-n", ns, "apply", "--dry-run=server", "-f", Seed("seed-deployment.yaml")));
        Assert.Equal(1, (await _kubectl.RunAsync("-n", ns, "get", "deployment", "my-app")).ExitCode);

        await _kubectl.SucceedAsync("-n", ns, "apply", "-f", Seed("seed-deployment.yaml"));
        await _kubectl.SucceedAsync("-n", ns, "scale", "deployment/my-app", "--replicas=5", "--dry-run=server");
        Assert.Equal("deployment.apps \"my-app\" deleted (server dry run)\n", await _kubectl.SucceedAsync("-n", ns, "delete", "deployment", "my-app", "--dry-run=server"));
        Assert.Equal("3", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas}"));
    }

    [Fact]
    public async Task ApplyServerSide_SecondManagerChangingAField_ConflictsUnlessForced()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        var seed = File.ReadAllText(Seed("seed-deployment.yaml"));

        Assert.Equal("deployment.apps/my-app serverside-applied\n", await _kubectl.SucceedAsync("-n", ns, "apply", "--server-side", "-f", Seed("seed-deployment.yaml")));
        Assert.Equal("deployment.apps/my-app serverside-applied\n", await _kubectl.SucceedAsync("-n", ns, "apply", "--server-side", "-f", Seed("seed-deployment.yaml")));
        Assert.Contains("kubectl", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.metadata.managedFields[*].manager}"), StringComparison.Ordinal);

        var other = WriteTemp(seed.Replace("replicas: 3", "replicas: 5", StringComparison.Ordinal));
        var conflict = await _kubectl.RunAsync("-n", ns, "apply", "--server-side", "--field-manager=ops", "-f", other);
        Assert.Equal(1, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas", conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal("3", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas}"));

        await _kubectl.SucceedAsync("-n", ns, "apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", other);
        Assert.Equal("5", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "my-app", "-o", "jsonpath={.spec.replicas}"));
    }

    [Fact]
    public async Task GetWatch_ScaledDeployment_PrintsNewRowsUnderOneHeader()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        await _kubectl.SucceedAsync("-n", ns, "apply", "-f", Seed("seed-deployment.yaml"));

        // Bounded: kubectl is stopped after a few seconds whatever it printed.
        using var admin = fixture.Server.Client();
        var watchesBefore = await OpenDeploymentWatchesAsync(admin);
        var watching = _kubectl.RunAsync(TimeSpan.FromSeconds(15), "-n", ns, "get", "deployments", "-w");
        // kubectl lists, then watches from the list's revision: once its watch is open, the row before the scale is
        // printed (a fixed 4 s wait raced kubectl's start on a loaded machine: the list could come after the scale).
        await Poll.UntilAsync(() => OpenDeploymentWatchesAsync(admin), n => n > watchesBefore, "kubectl's deployments watch open");
        await _kubectl.SucceedAsync("-n", ns, "scale", "deployment/my-app", "--replicas=1");
        var result = await watching;

        Assert.Single(HeaderLine().Matches(result.Stdout));
        Assert.Matches(@"(?m)^my-app\s+0/3\s+", result.Stdout);
        Assert.Matches(@"(?m)^my-app\s+0/1\s+", result.Stdout);
    }

    [Fact]
    public async Task CreateJob_GetJobsAndPods_JobColumnsAndJobLabels()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());

        await _kubectl.SucceedAsync("-n", ns, "apply", "-f", WriteTemp(JobManifest("hello")));

        var uid = await _kubectl.SucceedAsync("-n", ns, "get", "job", "hello", "-o", "jsonpath={.metadata.uid}");
        var pods = await Poll.UntilAsync(() => _kubectl.SucceedAsync("-n", ns, "get", "pods", "-l", "batch.kubernetes.io/job-name=hello",
            "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.controller-uid} {.metadata.ownerReferences[0].kind}{\"\\n\"}{end}"),
            text => text.Trim().Length > 0, "the Job's pod");
        Assert.Matches($@"^hello-[a-z0-9]{{5}} {uid} Job$", pods.Trim());
        var table = await _kubectl.SucceedAsync("-n", ns, "get", "jobs");
        Assert.Matches(@"^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n", table);
        Assert.Matches(@"(?m)^hello\s+Running\s+0/1\s+\d+s\s+\d+s$", table);
        // The three new kinds in one get, as kubectl's users type it.
        var all = await _kubectl.SucceedAsync("-n", ns, "get", "jobs,ds,cronjobs");
        Assert.Contains("job.batch/hello", all, StringComparison.Ordinal);
        var badSchedule = await _kubectl.RunAsync("-n", ns, "apply", "-f", WriteTemp("""
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: nightly
            spec:
              schedule: "0 3 * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                        - name: upload
                          image: busybox:1.36
            """));
        Assert.NotEqual(0, badSchedule.ExitCode);
        Assert.Contains("spec.schedule", badSchedule.Stderr, StringComparison.Ordinal);
        var bad = await _kubectl.RunAsync("-n", ns, "apply", "-f", WriteTemp(JobManifest("bad").Replace("Never", "Always", StringComparison.Ordinal)));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("spec.template.spec.restartPolicy", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BuiltInKindsSentAsProtobuf_CreatedAsKubernetes()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());

        // kubectl's typed create sends Kubernetes protobuf for built-in kinds; -v=8 shows the request's Content-Type.
        var deployment = await _kubectl.RunAsync("-v=8", "-n", ns, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=0", "--port=80");
        Assert.True(deployment.ExitCode == 0, deployment.ToString());
        Assert.Contains("deployment.apps/web created", deployment.Stdout, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/vnd.kubernetes.protobuf", deployment.Stderr, StringComparison.Ordinal);
        Assert.Equal("0 nginx:1.27 80 web", await _kubectl.SucceedAsync("-n", ns, "get", "deployment", "web", "-o",
            "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}"));

        Assert.Contains("job.batch/once created", await _kubectl.SucceedAsync("-n", ns, "create", "job", "once", "--image=busybox:1.36", "--", "echo", "hi"), StringComparison.Ordinal);
        Assert.Equal("""["echo","hi"] Never""", await _kubectl.SucceedAsync("-n", ns, "get", "job", "once", "-o",
            "jsonpath={.spec.template.spec.containers[0].command} {.spec.template.spec.restartPolicy}"));

        await _kubectl.SucceedAsync("-n", ns, "create", "configmap", "settings", "--from-literal=mode=fast", "--from-literal=empty=");
        Assert.Equal("""{"empty":"","mode":"fast"}""", await _kubectl.SucceedAsync("-n", ns, "get", "configmap", "settings", "-o", "jsonpath={.data}"));

        await _kubectl.SucceedAsync("-n", ns, "create", "secret", "generic", "creds", "--from-literal=password=s3cr3t");
        Assert.Equal("czNjcjN0 Opaque", await _kubectl.SucceedAsync("-n", ns, "get", "secret", "creds", "-o", "jsonpath={.data.password} {.type}"));

        await _kubectl.SucceedAsync("-n", ns, "create", "service", "clusterip", "api", "--tcp=80:8080");
        Assert.Equal("80 8080 api", await _kubectl.SucceedAsync("-n", ns, "get", "service", "api", "-o",
            "jsonpath={.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}"));

        await _kubectl.SucceedAsync("-n", ns, "create", "cronjob", "nightly", "--image=busybox:1.36", "--schedule=0 3 * * *");
        Assert.Equal("0 3 * * *", await _kubectl.SucceedAsync("-n", ns, "get", "cronjob", "nightly", "-o", "jsonpath={.spec.schedule}"));

        var other = ns + "-other";
        Assert.Contains($"namespace/{other} created", await _kubectl.SucceedAsync("create", "namespace", other), StringComparison.Ordinal);
        await _kubectl.SucceedAsync("delete", "namespace", other, "--wait=false");

        // Refused as against Kubernetes: the field validation runs on the decoded object.
        var bad = await _kubectl.RunAsync("-n", ns, "create", "deployment", "Bad_Name", "--image=nginx:1.27");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("metadata.name", bad.Stderr, StringComparison.Ordinal);
    }

    private static string JobManifest(string name) => $"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {name}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: hello
                  image: busybox:1.36
                  command: ["echo", "hello"]
        """;

    private static string Seed(string file) => Path.Combine(RepoPaths.Examples, file);

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("kubectl-test-").FullName, "manifest.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Watch streams on deployments droverd has open (only HTTP watches count: its controllers watch in-process).</summary>
    private static async Task<double> OpenDeploymentWatchesAsync(Drover.Api.Client.DroverClient admin)
    {
        var text = System.Text.Encoding.UTF8.GetString(await admin.GetRawAsync("/metrics"));
        var match = OpenDeploymentWatches().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("^drover_apiserver_open_watches\\{resource=\"deployments\"\\} (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex OpenDeploymentWatches();

    [GeneratedRegex(@"(?m)^NAME\s+READY\s+UP-TO-DATE")]
    private static partial Regex HeaderLine();
}
