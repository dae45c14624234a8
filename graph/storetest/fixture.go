package storetest

import "github.com/hmkg/hmkg/graph"

// The fixture is a small, hand-made graph for the conformance suite. Its
// facts are illustrative only (the curated dataset lives in data/); what
// matters is its shape: every kind, dated and undated nodes and
// relationships, parallel relationships (act-up CHALLENGED fda in 1988 and
// 1992, and INFLUENCED_POLICY_OF fda), relationships exemplifying tensions,
// and an unreachable node (alma-ata-conference).

func ip(v int) *int { return &v }

func sp(v string) *string { return &v }

func tp(t graph.RelType) *graph.RelType { return &t }

func src(id, title string, year int) *graph.Source {
	return &graph.Source{ID: id, Title: title, URL: "https://example.org/" + id, Publisher: "Example Press", Year: ip(year)}
}

// Fixture returns a fresh copy of the suite's dataset: 9 sources, 25 nodes
// of all 7 kinds and 35 relationships (ids left empty, filled in by
// validation as graph.RelationshipID).
func Fixture() *graph.Dataset {
	n := func(id string, k graph.Kind, name, summary string, srcs ...string) *graph.Node {
		return &graph.Node{ID: id, Kind: k, Name: name, Summary: summary, SourceIDs: srcs}
	}
	aids := n("aids-movement", graph.KindMovement, "AIDS Movement", "Collective action by people living with HIV and their allies demanding treatment, research and dignity.", "src-act-up-oral-history", "src-nesta-report")
	aids.Aliases, aids.Region, aids.Category, aids.StartYear = []string{"HIV/AIDS activism"}, "United States", "patient-led", ip(1981)
	bcm := n("breast-cancer-movement", graph.KindMovement, "Breast Cancer Movement", "Women affected by breast cancer organising for research funding, screening and a voice in treatment decisions.", "src-bca")
	bcm.Aliases, bcm.Region, bcm.Category, bcm.StartYear = []string{"Pink ribbon movement"}, "United States", "patient-led", ip(1974)
	drm := n("disability-rights-movement", graph.KindMovement, "Disability Rights Movement", "Disabled people campaigning for civil rights, independent living and control over their own support.", "src-upias", "src-nesta-report")
	drm.Aliases, drm.Region, drm.Category, drm.StartYear, drm.EndYear = []string{"Independent Living Movement"}, "United Kingdom", "rights-based", ip(1962), nil
	psm := n("psychiatric-survivors-movement", graph.KindMovement, "Psychiatric Survivors Movement", "People with experience of psychiatric services challenging coercion and demanding a say.", "src-who")
	psm.Region, psm.Category = "Global", "rights-based"

	actup := n("act-up", graph.KindOrganisation, "ACT UP", "Direct action group that confronted regulators and drug companies over access to AIDS treatment.", "src-act-up-oral-history")
	actup.Aliases, actup.Region, actup.Category, actup.FoundedYear = []string{"AIDS Coalition to Unleash Power"}, "New York, United States", "grassroots", ip(1987)
	tac := n("treatment-action-campaign", graph.KindOrganisation, "Treatment Action Campaign", "South African campaign for affordable HIV treatment.", "src-tac-history")
	tac.Aliases, tac.Region, tac.Category, tac.FoundedYear = []string{"TAC"}, "South Africa", "grassroots", ip(1998)
	bca := n("breast-cancer-action", graph.KindOrganisation, "Breast Cancer Action", "Advocacy group questioning the pink ribbon culture.", "src-bca")
	bca.Region, bca.Category, bca.FoundedYear = "San Francisco, United States", "grassroots", ip(1990)
	mac := n("macmillan-cancer-support", graph.KindOrganisation, "Macmillan Cancer Support", "Cancer charity that works closely with the health service.", "src-macmillan")
	mac.Aliases, mac.Region, mac.Category, mac.FoundedYear = []string{"Macmillan"}, "United Kingdom", "charity", ip(1911)
	upias := n("upias", graph.KindOrganisation, "Union of the Physically Impaired Against Segregation", "Disabled people's organisation that set out the social model of disability.", "src-upias")
	upias.Aliases, upias.Region, upias.Category, upias.FoundedYear, upias.EndYear = []string{"UPIAS"}, "United Kingdom", "grassroots", ip(1972), ip(1990)
	nesta := n("nesta", graph.KindOrganisation, "Nesta", "Innovation foundation that studied health movements.", "src-nesta-report")
	nesta.Region, nesta.Category, nesta.FoundedYear = "United Kingdom", "foundation", ip(1998)

	nhs := n("nhs-england", graph.KindInstitution, "NHS England", "Body that leads the National Health Service in England.", "src-nhs")
	nhs.Aliases, nhs.Country, nhs.Category, nhs.FoundedYear = []string{"NHS"}, "United Kingdom", "health-system", ip(2013)
	fda := n("fda", graph.KindInstitution, "Food and Drug Administration", "United States regulator of medicines that approves new drugs.", "src-act-up-oral-history")
	fda.Aliases, fda.Country, fda.Category, fda.FoundedYear = []string{"FDA"}, "United States", "regulator", ip(1906)
	who := n("who", graph.KindInstitution, "World Health Organization", "United Nations agency for international public health.", "src-who")
	who.Aliases, who.Country, who.Category, who.FoundedYear = []string{"WHO"}, "Switzerland", "multilateral", ip(1948)
	nice := n("nice", graph.KindInstitution, "National Institute for Health and Care Excellence", "Appraises whether treatments are worth funding in the English health service.", "src-nhs")
	nice.Aliases, nice.Country, nice.Category, nice.FoundedYear = []string{"NICE"}, "United Kingdom", "regulator", ip(1999)

	report := n("nesta-health-movements", graph.KindReport, "Health as a Social Movement", "Report on how movements change health systems, naming the tensions between movements and institutions.", "src-nesta-report")
	report.Year, report.Publisher, report.URL, report.Category = ip(2016), "nesta", "https://example.org/nesta-report", "research"
	black := n("black-report", graph.KindReport, "Black Report", "Review of inequalities in health in Britain.", "src-black-report")
	black.Year, black.Category = ip(1980), "government"

	kramer := n("larry-kramer", graph.KindPerson, "Larry Kramer", "Playwright who co-founded ACT UP.", "src-act-up-oral-history")
	kramer.Role = "writer and activist"
	achmat := n("zackie-achmat", graph.KindPerson, "Zackie Achmat", "Founder of the Treatment Action Campaign.", "src-tac-history")
	achmat.Role = "activist"
	hunt := n("paul-hunt", graph.KindPerson, "Paul Hunt", "Wrote the letter that led to UPIAS.", "src-upias")
	hunt.Role = "disability activist"

	seize := n("seize-control-of-the-fda", graph.KindEvent, "Seize Control of the FDA", "ACT UP demonstration at FDA headquarters.", "src-act-up-oral-history")
	seize.Year, seize.Date, seize.Region = ip(1988), "1988-10-11", "Rockville, United States"
	church := n("stop-the-church", graph.KindEvent, "Stop the Church", "Protest at St. Patrick's Cathedral.", "src-act-up-oral-history")
	church.Year, church.Date, church.Region = ip(1989), "1989-12-10", "New York, United States"
	alma := n("alma-ata-conference", graph.KindEvent, "Alma-Ata Conference", "International conference on primary health care.", "src-who")
	alma.Year, alma.Date, alma.Region = ip(1978), "1978-09", "Kazakhstan"

	coopt := n("tension-co-option", graph.KindTension, "Co-option", "Movements risk being absorbed by the institutions they partner with.", "src-nesta-report")
	coopt.Question = "Does working with institutions blunt a movement?"
	acc := n("tension-accountability", graph.KindTension, "Accountability", "Who a movement answers to.", "src-nesta-report")
	acc.Question = "To whom is a movement accountable?"
	frm := n("tension-formal-vs-restless", graph.KindTension, "Formal institutions vs restless movements", "Institutions value stability; movements value change.", "src-nesta-report")
	frm.Question = "How can formal institutions work with restless movements?"

	r := func(from string, t graph.RelType, to string, year *int, tensions []string, srcs ...string) *graph.Relationship {
		return &graph.Relationship{From: from, Type: t, To: to, Year: year, TensionIDs: tensions, SourceIDs: srcs,
			Summary: from + " " + string(t) + " " + to}
	}
	const (
		co   = "tension-co-option"
		accT = "tension-accountability"
		fr   = "tension-formal-vs-restless"
	)
	return &graph.Dataset{
		Name:    "storetest-fixture",
		Version: "1",
		Sources: []*graph.Source{
			src("src-act-up-oral-history", "ACT UP Oral History", 2003),
			src("src-tac-history", "A History of the Treatment Action Campaign", 2010),
			src("src-bca", "Breast Cancer Action Archive", 2000),
			src("src-macmillan", "Macmillan Annual Review", 2016),
			src("src-upias", "Fundamental Principles of Disability", 1976),
			src("src-nesta-report", "Health as a Social Movement", 2016),
			src("src-who", "WHO Archive", 1998),
			src("src-nhs", "NHS England Annual Report", 2015),
			src("src-black-report", "Inequalities in Health", 1980),
		},
		Nodes: []*graph.Node{aids, bcm, drm, psm, actup, tac, bca, mac, upias, nesta, nhs, fda, who, nice,
			report, black, kramer, achmat, hunt, seize, church, alma, coopt, acc, frm},
		Relationships: []*graph.Relationship{
			r("act-up", graph.RelPartOf, "aids-movement", ip(1987), nil, "src-act-up-oral-history"),
			r("treatment-action-campaign", graph.RelPartOf, "aids-movement", ip(1998), nil, "src-tac-history"),
			r("larry-kramer", graph.RelFounded, "act-up", ip(1987), nil, "src-act-up-oral-history"),
			r("act-up", graph.RelOrganised, "seize-control-of-the-fda", ip(1988), nil, "src-act-up-oral-history"),
			r("act-up", graph.RelOrganised, "stop-the-church", ip(1989), nil, "src-act-up-oral-history"),
			r("seize-control-of-the-fda", graph.RelTargeted, "fda", ip(1988), nil, "src-act-up-oral-history"),
			r("act-up", graph.RelChallenged, "fda", ip(1988), []string{fr}, "src-act-up-oral-history"),
			r("act-up", graph.RelChallenged, "fda", ip(1992), nil, "src-act-up-oral-history", "src-nesta-report"),
			r("act-up", graph.RelInfluencedPolicyOf, "fda", nil, []string{co}, "src-act-up-oral-history"),
			r("aids-movement", graph.RelInfluencedPolicyOf, "who", ip(1990), nil, "src-who"),
			r("zackie-achmat", graph.RelFounded, "treatment-action-campaign", ip(1998), nil, "src-tac-history"),
			r("zackie-achmat", graph.RelLed, "treatment-action-campaign", nil, nil, "src-tac-history"),
			r("treatment-action-campaign", graph.RelPartneredWith, "who", ip(2003), nil, "src-who"),
			r("breast-cancer-action", graph.RelPartOf, "breast-cancer-movement", ip(1990), nil, "src-bca"),
			r("macmillan-cancer-support", graph.RelPartOf, "breast-cancer-movement", nil, nil, "src-macmillan"),
			r("breast-cancer-movement", graph.RelChallenged, "fda", ip(1995), nil, "src-bca"),
			r("macmillan-cancer-support", graph.RelPartneredWith, "nhs-england", ip(2014), []string{co}, "src-macmillan"),
			r("macmillan-cancer-support", graph.RelCoOptedBy, "nhs-england", ip(2016), []string{co, accT}, "src-macmillan", "src-nesta-report"),
			r("upias", graph.RelPartOf, "disability-rights-movement", ip(1974), nil, "src-upias"),
			r("paul-hunt", graph.RelFounded, "upias", ip(1972), nil, "src-upias"),
			r("disability-rights-movement", graph.RelInfluencedPolicyOf, "nhs-england", ip(2015), []string{accT}, "src-nhs"),
			r("disability-rights-movement", graph.RelInspired, "psychiatric-survivors-movement", nil, nil, "src-upias"),
			r("aids-movement", graph.RelInspired, "breast-cancer-movement", ip(1990), nil, "src-bca"),
			r("nesta", graph.RelPublished, "nesta-health-movements", ip(2016), nil, "src-nesta-report"),
			r("nesta-health-movements", graph.RelDescribes, "aids-movement", ip(2016), nil, "src-nesta-report"),
			r("nesta-health-movements", graph.RelDescribes, "disability-rights-movement", ip(2016), nil, "src-nesta-report"),
			r("nesta-health-movements", graph.RelDescribes, "tension-formal-vs-restless", ip(2016), nil, "src-nesta-report"),
			r("act-up", graph.RelExemplifies, "tension-formal-vs-restless", nil, nil, "src-nesta-report"),
			r("nice", graph.RelPartneredWith, "nhs-england", ip(2013), nil, "src-nhs"),
			r("macmillan-cancer-support", graph.RelChallenged, "nice", ip(2008), nil, "src-macmillan"),
			r("psychiatric-survivors-movement", graph.RelChallenged, "who", nil, nil, "src-who"),
			r("disability-rights-movement", graph.RelPartneredWith, "aids-movement", nil, nil, "src-upias"),
			r("black-report", graph.RelInfluencedPolicyOf, "who", ip(1981), nil, "src-black-report"),
			r("nesta-health-movements", graph.RelDescribes, "tension-accountability", ip(2016), nil, "src-nesta-report"),
			r("nesta-health-movements", graph.RelDescribes, "tension-co-option", ip(2016), nil, "src-nesta-report"),
		},
	}
}
