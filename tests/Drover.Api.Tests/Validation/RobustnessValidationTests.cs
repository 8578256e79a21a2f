namespace Drover.Api.Tests;

/// <summary>
/// JSON nulls reach non-nullable members (System.Text.Json does not enforce nullable annotations), and
/// validation may see undefaulted objects: neither may crash the server, only produce field errors.
/// </summary>
public class RobustnessValidationTests
{
    [Theory]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: null\nspec: null\n")]
    [InlineData("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, labels: {x: null}}\nspec:\n  selector: {matchLabels: {app: null}, matchExpressions: [null, {key: null, operator: null, values: [null]}]}\n  template: {metadata: null, spec: {containers: [null, {name: null, ports: [null], env: [null]}], tolerations: [null], initContainers: null}}\n  strategy: {type: RollingUpdate, rollingUpdate: null}\n")]
    [InlineData("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: a}\nspec: {template: null, selector: {matchExpressions: [{key: app, operator: In, values: [null]}]}}\n")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: a, ownerReferences: [null, {apiVersion: null, kind: null, name: null, uid: null}]}\nspec: {containers: [{name: a, image: b, livenessProbe: {httpGet: {port: 80, httpHeaders: [null, {name: null}]}}, lifecycle: {preStop: {}}}]}\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [null, {port: 80, targetPort: null}], selector: {a: null}, clusterIPs: [null]}\n")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\ntype: kubernetes.io/tls\ndata: {a: null}\nstringData: {b: null}\n")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: null}\nbinaryData: {a: null}\n")]
    [InlineData("apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec: {taints: [null, {key: null, effect: null}], podCIDRs: [null]}\nstatus: {capacity: null}\n")]
    [InlineData("apiVersion: v1\nkind: Endpoints\nmetadata: {name: a}\nsubsets: [null, {addresses: [null, {ip: null}], ports: [null]}]\n")]
    [InlineData("apiVersion: v1\nkind: Event\nmetadata: {name: a}\ninvolvedObject: null\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: {rules: [null, {host: null, http: {paths: [null, {path: null, pathType: null, backend: null}]}}], tls: [null, {hosts: [null]}], defaultBackend: {service: {name: null, port: null}}}\n")]
    [InlineData("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec: {scaleTargetRef: null, maxReplicas: 1, metrics: [null, {type: null}, {type: Resource, resource: {name: null, target: null}}], behavior: {scaleUp: {policies: [null]}}}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: a}\nspec: null\n")]
    [InlineData("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: A, labels: null}\nspec: null\n")]
    [InlineData("apiVersion: v1\nkind: Namespace\nmetadata: null\n")]
    public void ValidateAndDefault_NullsEverywhere_ReportErrorsWithoutThrowing(string yaml)
    {
        var obj = Manifests.Decode(yaml);

        var raw = ObjectValidator.Validate(obj);
        var defaulted = ObjectDefaulter.ApplyDefaults(obj);
        var errors = ObjectValidator.Validate(defaulted);
        ObjectValidator.ValidateUpdate(defaulted, obj);
        ObjectValidator.ValidateUpdate(obj, defaulted);

        Assert.NotEmpty(raw);
        Assert.NotEmpty(errors);
    }
}
