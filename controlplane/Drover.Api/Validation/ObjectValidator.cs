namespace Drover.Api;

/// <summary>
/// Server-side validation as the Kubernetes API server does it. The server decodes, applies
/// <see cref="ObjectDefaulter.ApplyDefaults"/>, then validates; undefaulted objects are accepted too
/// (fields defaulting would fill are then simply not judged).
/// </summary>
public static class ObjectValidator
{
    /// <summary>Everything wrong with an object about to be created; empty when it is valid.</summary>
    public static IReadOnlyList<FieldError> Validate(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var errors = new ErrorList();
        ValidateObject(obj, errors);
        return errors.ToList();
    }

    /// <summary><see cref="Validate"/> plus the rules on what an update may change.</summary>
    public static IReadOnlyList<FieldError> ValidateUpdate(KubeObject updated, KubeObject existing)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(existing);
        var errors = new ErrorList();
        if (updated.GetType() != existing.GetType())
        {
            errors.Invalid("kind", updated.Kind, "field is immutable");
            return errors.ToList();
        }
        ValidateObject(updated, errors);
        MetadataValidation.ValidateUpdate(updated.Metadata ?? new(), existing.Metadata ?? new(), errors);
        switch (updated)
        {
            case Pod pod: PodValidation.ValidateUpdate(pod, (Pod)existing, errors); break;
            case Deployment deployment: DeploymentValidation.ValidateUpdate(deployment, (Deployment)existing, errors); break;
            case ReplicaSet replicaSet: ReplicaSetValidation.ValidateUpdate(replicaSet, (ReplicaSet)existing, errors); break;
            case Job job: JobValidation.ValidateUpdate(job, (Job)existing, errors); break;
            case DaemonSet daemonSet: DaemonSetValidation.ValidateUpdate(daemonSet, (DaemonSet)existing, errors); break;
            case ControllerRevision revision: DaemonSetValidation.ValidateUpdate(revision, (ControllerRevision)existing, errors); break;
            case Service service: ServiceValidation.ValidateUpdate(service, (Service)existing, errors); break;
            case EndpointSlice slice: EndpointSliceValidation.ValidateUpdate(slice, (EndpointSlice)existing, errors); break;
            case Secret secret: SecretValidation.ValidateUpdate(secret, (Secret)existing, errors); break;
            case ConfigMap configMap: ConfigMapValidation.ValidateUpdate(configMap, (ConfigMap)existing, errors); break;
            case IngressClass ingressClass: IngressClassValidation.ValidateUpdate(ingressClass, (IngressClass)existing, errors); break;
            case Node node: NodeValidation.ValidateUpdate(node, (Node)existing, errors); break;
        }
        return errors.ToList();
    }

    private static void ValidateObject(KubeObject obj, ErrorList errors)
    {
        switch (obj)
        {
            case Pod pod: PodValidation.Validate(pod, errors); break;
            case Deployment deployment: DeploymentValidation.Validate(deployment, errors); break;
            case ReplicaSet replicaSet: ReplicaSetValidation.Validate(replicaSet, errors); break;
            case Job job: JobValidation.Validate(job, errors); break;
            case CronJob cronJob: CronJobValidation.Validate(cronJob, errors); break;
            case DaemonSet daemonSet: DaemonSetValidation.Validate(daemonSet, errors); break;
            case ControllerRevision revision: DaemonSetValidation.Validate(revision, errors); break;
            case Service service: ServiceValidation.Validate(service, errors); break;
            case Endpoints endpoints: EndpointsValidation.Validate(endpoints, errors); break;
            case EndpointSlice slice: EndpointSliceValidation.Validate(slice, errors); break;
            case Ingress ingress: IngressValidation.Validate(ingress, errors); break;
            case IngressClass ingressClass: IngressClassValidation.Validate(ingressClass, errors); break;
            case HorizontalPodAutoscaler hpa: HorizontalPodAutoscalerValidation.Validate(hpa, errors); break;
            case Lease lease: LeaseValidation.Validate(lease, errors); break;
            case Secret secret: SecretValidation.Validate(secret, errors); break;
            case ConfigMap configMap: ConfigMapValidation.Validate(configMap, errors); break;
            case Node node: NodeValidation.Validate(node, errors); break;
            case Event ev: EventValidation.Validate(ev, errors); break;
            // Namespace names become DNS labels of every service in them (<svc>.<ns>.svc).
            case Namespace ns: MetadataValidation.Validate(ns.Metadata, namespaced: false, NameRules.Dns1123Label, errors); break;
            default:
                // Scale and any future kind: at least the metadata every object shares.
                MetadataValidation.Validate(obj.Metadata, namespaced: true, NameRules.Dns1123Subdomain, errors);
                break;
        }
    }
}
