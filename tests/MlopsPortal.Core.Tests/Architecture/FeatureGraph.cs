using Mono.Cecil;

namespace MlopsPortal.Core.Tests.Architecture;

/// <summary>
/// Which of Core's features refers to which, read from the compiled assembly (Mono.Cecil): every type a feature's
/// types name in their signatures, attributes and method bodies, compiler-generated closures and state machines
/// counted with the type that declares them. A feature is the namespace segment after <c>MlopsPortal.Core.</c>.
/// </summary>
public sealed class FeatureGraph
{
    private const string Prefix = "MlopsPortal.Core.";


    /// <summary>(from, to) → the "FromType → ToType" pairs behind the edge, sorted.</summary>
    public IReadOnlyDictionary<(string From, string To), IReadOnlyList<string>> Edges { get; }

    public IReadOnlySet<string> Features { get; }

    private FeatureGraph(Dictionary<(string, string), SortedSet<string>> edges, HashSet<string> features)
    {
        Edges = edges.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.ToList());
        Features = features;
    }

    public static FeatureGraph Read(string assemblyPath, Func<TypeDefinition, bool>? exempt = null)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        var features = new HashSet<string>();
        foreach (var type in module.Types)
        {
            var from = FeatureOf(type);
            if (from is null) continue;
            features.Add(from);
            if (exempt?.Invoke(type) == true) continue;
            foreach (var referenced in ReferencesOf(type).Distinct())
            {
                var top = TopLevel(referenced);
                if (top.Module != module || FeatureOf(top) is not { } to || to == from) continue;
                if (!edges.TryGetValue((from, to), out var pairs)) edges[(from, to)] = pairs = [];
                pairs.Add($"{type.Name} → {top.Name}");
            }
        }
        return new FeatureGraph(edges, features);
    }

    private static string? FeatureOf(TypeDefinition type)
    {
        var ns = TopLevel(type).Namespace;
        if (!ns.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var rest = ns[Prefix.Length..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    private static TypeDefinition TopLevel(TypeDefinition type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    /// <summary>The types of this module that <paramref name="type"/> and its nested types name anywhere.</summary>
    private static IEnumerable<TypeDefinition> ReferencesOf(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null: return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments) Add(a);
                    return;
                case TypeSpecification s: Add(s.ElementType); return;
                default: found.Add(t); return;
            }
        }
        void AddAttributes(ICustomAttributeProvider p)
        {
            foreach (var a in p.CustomAttributes)
            {
                Add(a.AttributeType);
                foreach (var arg in a.ConstructorArguments) if (arg.Value is TypeReference tr) Add(tr);
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters) Add(p.ParameterType);
            if (m is GenericInstanceMethod gm) foreach (var a in gm.GenericArguments) Add(a);
        }
        void Visit(TypeDefinition t)
        {
            Add(t.BaseType);
            AddAttributes(t);
            foreach (var i in t.Interfaces) Add(i.InterfaceType);
            foreach (var f in t.Fields) { Add(f.FieldType); AddAttributes(f); }
            foreach (var p in t.Properties) { Add(p.PropertyType); AddAttributes(p); }
            foreach (var m in t.Methods)
            {
                AddMethod(m);
                AddAttributes(m);
                if (!m.HasBody) continue;
                foreach (var v in m.Body.Variables) Add(v.VariableType);
                foreach (var ins in m.Body.Instructions)
                    switch (ins.Operand)
                    {
                        case TypeReference tr: Add(tr); break;
                        case MethodReference mr: AddMethod(mr); break;
                        case FieldReference fr: Add(fr.DeclaringType); Add(fr.FieldType); break;
                    }
            }
            foreach (var n in t.NestedTypes) Visit(n);
        }
        Visit(type);
        foreach (var t in found)
        {
            TypeDefinition? resolved = null;
            try { resolved = t as TypeDefinition ?? (t.Scope == type.Module ? t.Resolve() : null); }
            catch (AssemblyResolutionException) { }
            if (resolved is not null) yield return resolved;
        }
    }
}
