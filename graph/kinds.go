package graph

// Entity is a node viewed as its kind's own type. The GraphQL layer binds
// one object type per kind (Movement, Organisation, ...) to the wrapper
// types below; all of them share the underlying *Node.
type Entity interface {
	Base() *Node
}

// Movement is a node of kind MOVEMENT.
type Movement struct{ *Node }

// Organisation is a node of kind ORGANISATION.
type Organisation struct{ *Node }

// Institution is a node of kind INSTITUTION.
type Institution struct{ *Node }

// Report is a node of kind REPORT.
type Report struct{ *Node }

// Person is a node of kind PERSON.
type Person struct{ *Node }

// Event is a node of kind EVENT.
type Event struct{ *Node }

// Tension is a node of kind TENSION.
type Tension struct{ *Node }

// Wrap returns n as its kind's type, or nil for a nil node.
func Wrap(n *Node) Entity {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case KindMovement:
		return &Movement{n}
	case KindOrganisation:
		return &Organisation{n}
	case KindInstitution:
		return &Institution{n}
	case KindReport:
		return &Report{n}
	case KindPerson:
		return &Person{n}
	case KindEvent:
		return &Event{n}
	default:
		return &Tension{n}
	}
}
