namespace Drover.Api.Tests;

/// <summary>Invalid variants of the seed Deployment, each edited in its YAML and reported at its Kubernetes field path.</summary>
public class DeploymentValidationTests
{
    private const string C0 = "spec.template.spec.containers[0].";
    private const string PodSpec = "spec.template.spec.";
    private const string Image = "          image: my-app:v1.0\n";
    private const string Containers = "      containers:";
    private const string Replicas = "  replicas: 3\n";
    private const string Name = "  name: my-app\n";
    private const string Probe = "            initialDelaySeconds: 5";
    private const string Readiness = "          readinessProbe:";
    private const string MatchLabels = "    matchLabels:\n      app: my-app\n";

    [Theory]
    // metadata
    [InlineData(Name, "  name: My_App\n", "metadata.name", FieldErrorType.Invalid)]
    [InlineData(Name, "  labels: {}\n", "metadata.name", FieldErrorType.Required)]
    [InlineData(Name, "  generateName: My_\n", "metadata.generateName", FieldErrorType.Invalid)]
    [InlineData(Name, Name + "  namespace: Bad_NS\n", "metadata.namespace", FieldErrorType.Invalid)]
    [InlineData(Name, Name + "  labels:\n    app: \"-bad\"\n", "metadata.labels", FieldErrorType.Invalid)]
    [InlineData(Name, Name + "  annotations:\n    \"bad key!\": x\n", "metadata.annotations", FieldErrorType.Invalid)]
    [InlineData(Name, Name + "  ownerReferences:\n    - {apiVersion: v1, kind: X, name: x}\n", "metadata.ownerReferences[0].uid", FieldErrorType.Invalid)]
    [InlineData(Name, Name + "  ownerReferences:\n    - {apiVersion: v1, kind: A, name: a, uid: \"1\", controller: true}\n    - {apiVersion: v1, kind: B, name: b, uid: \"2\", controller: true}\n", "metadata.ownerReferences[1].controller", FieldErrorType.Invalid)]
    // deployment spec
    [InlineData("replicas: 3", "replicas: -1", "spec.replicas", FieldErrorType.Invalid)]
    [InlineData("  selector:\n" + MatchLabels, "", "spec.selector", FieldErrorType.Required)]
    [InlineData(MatchLabels, "    matchLabels: {}\n", "spec.selector", FieldErrorType.Invalid)]
    [InlineData(MatchLabels, MatchLabels + "    matchExpressions:\n      - key: tier\n        operator: Near\n", "spec.selector.matchExpressions[0].operator", FieldErrorType.Invalid)]
    [InlineData(MatchLabels, MatchLabels + "    matchExpressions:\n      - key: tier\n        operator: In\n", "spec.selector.matchExpressions[0].values", FieldErrorType.Required)]
    [InlineData("        app: my-app\n    spec:", "        app: other\n    spec:", "spec.template.metadata.labels", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  strategy:\n    type: Blue\n", "spec.strategy.type", FieldErrorType.NotSupported)]
    [InlineData(Replicas, Replicas + "  strategy:\n    type: Recreate\n    rollingUpdate:\n      maxSurge: 1\n", "spec.strategy.rollingUpdate", FieldErrorType.Forbidden)]
    [InlineData(Replicas, Replicas + "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n", "spec.strategy.rollingUpdate.maxUnavailable", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  strategy:\n    rollingUpdate:\n      maxUnavailable: 150%\n", "spec.strategy.rollingUpdate.maxUnavailable", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  strategy:\n    rollingUpdate:\n      maxSurge: lots\n", "spec.strategy.rollingUpdate.maxSurge", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  strategy:\n    rollingUpdate:\n      maxSurge: -1\n", "spec.strategy.rollingUpdate.maxSurge", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  revisionHistoryLimit: -1\n", "spec.revisionHistoryLimit", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  minReadySeconds: -1\n", "spec.minReadySeconds", FieldErrorType.Invalid)]
    [InlineData(Replicas, Replicas + "  minReadySeconds: 30\n  progressDeadlineSeconds: 20\n", "spec.progressDeadlineSeconds", FieldErrorType.Invalid)]
    // pod template spec
    [InlineData(Containers, "      restartPolicy: Sometimes\n" + Containers, PodSpec + "restartPolicy", FieldErrorType.NotSupported)]
    [InlineData(Containers, "      restartPolicy: Never\n" + Containers, PodSpec + "restartPolicy", FieldErrorType.NotSupported)]
    [InlineData(Containers, "      terminationGracePeriodSeconds: -1\n" + Containers, PodSpec + "terminationGracePeriodSeconds", FieldErrorType.Invalid)]
    [InlineData(Containers, "      activeDeadlineSeconds: 60\n" + Containers, PodSpec + "activeDeadlineSeconds", FieldErrorType.Invalid)]
    [InlineData(Containers, "      dnsPolicy: Sometimes\n" + Containers, PodSpec + "dnsPolicy", FieldErrorType.NotSupported)]
    [InlineData(Containers, "      nodeName: Node_1\n" + Containers, PodSpec + "nodeName", FieldErrorType.Invalid)]
    [InlineData(Containers, "      nodeSelector:\n        \"bad key\": x\n" + Containers, PodSpec + "nodeSelector", FieldErrorType.Invalid)]
    [InlineData(Containers, "      tolerations:\n        - {key: gpu, operator: Exists, value: x}\n" + Containers, PodSpec + "tolerations[0].operator", FieldErrorType.Invalid)]
    [InlineData(Containers, "      tolerations:\n        - {operator: Equal, value: x}\n" + Containers, PodSpec + "tolerations[0].operator", FieldErrorType.Invalid)]
    [InlineData(Containers, "      tolerations:\n        - {key: gpu, operator: Like}\n" + Containers, PodSpec + "tolerations[0].operator", FieldErrorType.NotSupported)]
    [InlineData(Containers, "      tolerations:\n        - {key: gpu, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}\n" + Containers, PodSpec + "tolerations[0].effect", FieldErrorType.Invalid)]
    [InlineData(Containers, "      tolerations:\n        - {key: gpu, operator: Exists, effect: Sometimes}\n" + Containers, PodSpec + "tolerations[0].effect", FieldErrorType.NotSupported)]
    [InlineData(Containers, "      initContainers:\n        - {name: app, image: init:1}\n" + Containers, PodSpec + "initContainers[0].name", FieldErrorType.Duplicate)]
    [InlineData(Containers, "      initContainers:\n        - name: init\n          image: init:1\n          readinessProbe:\n            exec:\n              command: [\"true\"]\n" + Containers, PodSpec + "initContainers[0].readinessProbe", FieldErrorType.Forbidden)]
    // containers
    [InlineData("        - name: app", "        - name: App", C0 + "name", FieldErrorType.Invalid)]
    [InlineData(Image, Image + "        - name: app\n          image: sidecar:1\n", "spec.template.spec.containers[1].name", FieldErrorType.Duplicate)]
    [InlineData(Image, "", C0 + "image", FieldErrorType.Required)]
    [InlineData(Image, Image + "          imagePullPolicy: Sometimes\n", C0 + "imagePullPolicy", FieldErrorType.NotSupported)]
    [InlineData(Image, Image + "          ports:\n            - containerPort: 70000\n", C0 + "ports[0].containerPort", FieldErrorType.Invalid)]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, hostPort: -1}\n", C0 + "ports[0].hostPort", FieldErrorType.Invalid)]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, name: http--x}\n", C0 + "ports[0].name", FieldErrorType.Invalid)]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, name: \"8080\"}\n", C0 + "ports[0].name", FieldErrorType.Invalid)]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, name: web}\n            - {containerPort: 81, name: web}\n", C0 + "ports[1].name", FieldErrorType.Duplicate)]
    [InlineData(Image, Image + "          ports:\n            - {containerPort: 80, protocol: ICMP}\n", C0 + "ports[0].protocol", FieldErrorType.NotSupported)]
    [InlineData(Image, Image + "          env:\n            - {name: 1FOO, value: x}\n", C0 + "env[0].name", FieldErrorType.Invalid)]
    // resources
    [InlineData("cpu: \"250m\"", "cpu: \"2\"", C0 + "resources.requests.cpu", FieldErrorType.Invalid)]
    [InlineData("memory: \"128Mi\"", "memory: \"-128Mi\"", C0 + "resources.requests.memory", FieldErrorType.Invalid)]
    [InlineData("              cpu: \"250m\"\n", "              cpu: \"250m\"\n              gpu: \"1\"\n", C0 + "resources.requests.gpu", FieldErrorType.NotSupported)]
    [InlineData("              cpu: \"250m\"\n", "              cpu: \"250m\"\n              pods: \"1\"\n", C0 + "resources.requests.pods", FieldErrorType.NotSupported)]
    [InlineData("              cpu: \"250m\"\n", "              cpu: \"250m\"\n              example.com/gpu: \"1\"\n", C0 + "resources.limits[example.com/gpu]", FieldErrorType.Required)]
    // probes
    [InlineData("periodSeconds: 10", "periodSeconds: 0", C0 + "readinessProbe.periodSeconds", FieldErrorType.Invalid)]
    [InlineData("periodSeconds: 10", "periodSeconds: 10\n            failureThreshold: 0", C0 + "readinessProbe.failureThreshold", FieldErrorType.Invalid)]
    [InlineData("periodSeconds: 10", "periodSeconds: 10\n            timeoutSeconds: 0", C0 + "readinessProbe.timeoutSeconds", FieldErrorType.Invalid)]
    [InlineData(Probe, "            initialDelaySeconds: -5", C0 + "readinessProbe.initialDelaySeconds", FieldErrorType.Invalid)]
    [InlineData("              port: 3000", "              port: 70000", C0 + "readinessProbe.httpGet.port", FieldErrorType.Invalid)]
    [InlineData("              port: 3000", "              port: Http_Port", C0 + "readinessProbe.httpGet.port", FieldErrorType.Invalid)]
    [InlineData("              path: /health", "              path: \"\"", C0 + "readinessProbe.httpGet.path", FieldErrorType.Required)]
    [InlineData(Probe, "              scheme: FTP\n" + Probe, C0 + "readinessProbe.httpGet.scheme", FieldErrorType.NotSupported)]
    [InlineData(Probe, "              httpHeaders:\n                - {name: \"X Bad\", value: x}\n" + Probe, C0 + "readinessProbe.httpGet.httpHeaders[0].name", FieldErrorType.Invalid)]
    [InlineData(Probe, "            tcpSocket:\n              port: 3000\n" + Probe, C0 + "readinessProbe.tcpSocket", FieldErrorType.Forbidden)]
    [InlineData(Readiness, "          livenessProbe:\n            exec:\n              command: [\"true\"]\n            successThreshold: 2\n" + Readiness, C0 + "livenessProbe.successThreshold", FieldErrorType.Invalid)]
    [InlineData(Readiness, "          startupProbe:\n            exec:\n              command: []\n" + Readiness, C0 + "startupProbe.exec.command", FieldErrorType.Required)]
    [InlineData(Readiness, "          livenessProbe:\n            initialDelaySeconds: 1\n" + Readiness, C0 + "livenessProbe", FieldErrorType.Required)]
    [InlineData(Readiness, "          lifecycle:\n            preStop:\n              sleep:\n                seconds: 60\n" + Readiness, C0 + "lifecycle.preStop.sleep.seconds", FieldErrorType.Invalid)]
    public void Validate_InvalidDeploymentVariant_ReportsFieldPath(string find, string replace, string field, FieldErrorType type)
    {
        var errors = Manifests.DefaultAndValidate(Manifests.Patch(Manifests.Deployment, find, replace));

        Manifests.AssertError(errors, field, type);
    }

    [Fact]
    public void Validate_NameOf254Characters_ReportsMetadataName()
    {
        var deployment = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);
        var name = new string('a', 254);

        var errors = ObjectValidator.Validate(deployment with { Metadata = deployment.Metadata with { Name = name } });

        var error = Assert.Single(errors);
        Assert.Equal("metadata.name", error.Field);
        Assert.Equal(FieldErrorType.Invalid, error.Type);
        Assert.Equal("must be no more than 253 characters", error.Detail);
    }

    [Fact]
    public void Validate_NameOf253Characters_IsAccepted()
    {
        var deployment = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4))[..253];

        Manifests.AssertNoErrors(ObjectValidator.Validate(deployment with { Metadata = deployment.Metadata with { Name = name } }));
    }

    [Fact]
    public void Validate_RequestAboveLimit_ReadsAsKubernetesMessage()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, "cpu: \"250m\"", "cpu: \"2\"").Replace("cpu: \"500m\"", "cpu: \"1\"", StringComparison.Ordinal);

        var error = Assert.Single(Manifests.DefaultAndValidate(yaml));

        Assert.Equal(
            "spec.template.spec.containers[0].resources.requests.cpu: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
            error.ToString());
    }

    [Fact]
    public void Validate_SelectorNotMatchingTemplate_RendersLabelsAsMap()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, "        app: my-app\n    spec:", "        app: other\n    spec:");

        var error = Assert.Single(Manifests.DefaultAndValidate(yaml));

        Assert.Equal(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
            error.ToString());
    }

    [Fact]
    public void Validate_SelectorWithExpressionsMatchingTemplate_IsAccepted()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, MatchLabels,
            MatchLabels + "    matchExpressions:\n      - {key: app, operator: In, values: [my-app, other]}\n      - {key: legacy, operator: DoesNotExist}\n");

        Manifests.AssertNoErrors(Manifests.DefaultAndValidate(yaml));
    }

    [Fact]
    public void Validate_UnsupportedStrategy_ListsSupportedValues()
    {
        var yaml = Manifests.Patch(Manifests.Deployment, Replicas, Replicas + "  strategy:\n    type: Blue\n");

        var error = Assert.Single(Manifests.DefaultAndValidate(yaml));

        Assert.Equal("spec.strategy.type: Unsupported value: \"Blue\": supported values: \"Recreate\", \"RollingUpdate\"", error.ToString());
    }

    [Fact]
    public void Validate_ReplicaSetFromDeploymentTemplate_ChecksTheSameRules()
    {
        var deployment = Manifests.LoadDefaulted<Deployment>(Manifests.Deployment);
        var replicaSet = new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta { Name = "my-app-5d4f8" },
            Spec = new ReplicaSetSpec { Replicas = -2, Selector = deployment.Spec.Selector, Template = deployment.Spec.Template },
        };

        var error = Assert.Single(ObjectValidator.Validate(replicaSet));

        Assert.Equal("spec.replicas", error.Field);
    }

    [Fact]
    public void Validate_UndefaultedDeploymentWithNullTemplateSpec_DoesNotThrow()
    {
        var deployment = new Deployment
        {
            Metadata = new ObjectMeta { Name = "x" },
            Spec = new DeploymentSpec { Template = new PodTemplateSpec { Spec = null! } },
        };

        var errors = ObjectValidator.Validate(deployment);

        Manifests.AssertError(errors, "spec.selector", FieldErrorType.Required);
        Manifests.AssertError(errors, "spec.template.spec", FieldErrorType.Required);
    }
}
