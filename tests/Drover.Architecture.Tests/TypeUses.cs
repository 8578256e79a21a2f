using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Drover.Architecture.Tests;

/// <summary>
/// Every named type one type's definition and IL touch: base types, interfaces, fields, signatures, locals, and
/// each type, method and field its method bodies reference. Generic instances give their parts (List&lt;Pod&gt;
/// gives List and Pod). Nested types are separate definitions; callers fold them into their outer type.
/// </summary>
internal static class TypeUses
{
    public static IEnumerable<TypeReference> Of(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Use(TypeReference? reference) => found.AddRange(Flatten(reference));

        Use(type.BaseType);
        foreach (var i in type.Interfaces)
            Use(i.InterfaceType);
        foreach (var field in type.Fields)
            Use(field.FieldType);
        foreach (var property in type.Properties)
            Use(property.PropertyType);
        foreach (var method in type.Methods)
        {
            Use(method.ReturnType);
            foreach (var parameter in method.Parameters)
                Use(parameter.ParameterType);
            if (!method.HasBody)
                continue;
            foreach (var local in method.Body.Variables)
                Use(local.VariableType);
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Use(t);
                        break;
                    case MethodReference m:
                        Use(m.DeclaringType);
                        Use(m.ReturnType);
                        foreach (var p in m.Parameters)
                            Use(p.ParameterType);
                        if (m is GenericInstanceMethod g)
                            foreach (var a in g.GenericArguments)
                                Use(a);
                        break;
                    case FieldReference f:
                        Use(f.DeclaringType);
                        Use(f.FieldType);
                        break;
                }
            }
        }
        return found;
    }

    /// <summary>The named types inside a reference: List&lt;Pod[]&gt; gives List and Pod.</summary>
    private static IEnumerable<TypeReference> Flatten(TypeReference? reference)
    {
        switch (reference)
        {
            case null or GenericParameter:
                yield break;
            case GenericInstanceType generic:
                foreach (var t in Flatten(generic.ElementType))
                    yield return t;
                foreach (var argument in generic.GenericArguments)
                    foreach (var t in Flatten(argument))
                        yield return t;
                yield break;
            case TypeSpecification specification:
                foreach (var t in Flatten(specification.ElementType))
                    yield return t;
                yield break;
            default:
                yield return reference;
                yield break;
        }
    }
}
