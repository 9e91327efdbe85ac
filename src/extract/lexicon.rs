//! The extractor's vocabulary: which words name which clinical concept.
//!
//! Kept as one table of plain lines so a clinician can read and extend it
//! without reading code. Each line is
//! `KIND concept[+concept][@Region] = term, term, !term, ^TERM`:
//! `!` marks a term that itself states the absence ("full range of motion"
//! denies `range_of_motion_limited`), `^` a term that only counts in capitals
//! in the source ("PT" is physical therapy, "pt" may be "patient").
//! `NONE -` lines name phrases that contain a concept word but are not the
//! concept ("pain management"): as longer matches they shadow the shorter one.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::fact::{BodyRegion, FactKind};

pub(crate) const CONCEPTS: &str = r#"
EX straight_leg_raise@Lumbar = straight leg raise, straight leg raises, straight leg raising, straight-leg raise, straight-leg raising, straight leg raising test, straight leg raise test, straight leg rise, ^SLR, ^SLRs, seated straight leg raise, supine straight leg raise
EX spurling@Cervical = spurling, spurling's, spurlings, spurling's test, spurling test, spurling's maneuver, spurling's sign, spurling sign, spurling maneuver
EX hawkins@Shoulder = hawkins, hawkin's, hawkins', hawkins test, hawkins-kennedy, hawkins kennedy, hawkins' test, hawkin's test, hawkins sign, hawkins' sign, hawkin's sign
EX neer@Shoulder = neer, neer's, neers, neer's test, neer test, neer's sign, neer sign, neer impingement
EX tinel = tinel, tinel's, tinels, tinel's sign, tinel sign, tinel's test, tinel test
EX phalen@WristHand = phalen, phalen's, phalens, phalen's test, phalen test, phalen's sign, phalen maneuver, phalen's maneuver
EX mcmurray@Knee = mcmurray, mcmurray's, mcmurrays, mcmurray's test, mcmurray test, mcmurray sign, mcmurray's sign
EX drawer = drawer, drawer test, drawer sign, anterior drawer, posterior drawer, anterior drawer test, posterior drawer test
EX lachman@Knee = lachman, lachman's, lachman test, lachman's test
EX faber@Hip = faber, fabere, patrick's, patrick test, patrick's test, faber test
EX finkelstein@WristHand = finkelstein, finkelstein's, finkelstein test, finkelstein's test
EX facet_loading = facet loading, facet load, facet loading test, facet loading maneuver
EX empty_can@Shoulder = empty can, empty can test, jobe's test, jobe test
EX sensory_deficit = sensory deficit, sensory deficits, sensory loss, decreased sensation, diminished sensation, reduced sensation, altered sensation, decreased sensory, diminished sensory, hypoesthesia, hypesthesia, hypoaesthesia, dysesthesia, dysesthesias, decreased light touch, diminished light touch, decreased pinprick, diminished pinprick, sensory changes, sensation was decreased, sensation was diminished, sensation decreased, sensation diminished, !sensation intact, !sensation was intact, !sensation is intact, !sensation was normal, !sensation is normal, !intact sensation, !normal sensation, !sensation grossly intact, !sensation was grossly intact, !sensory exam was normal, !sensory examination was normal, !sensation to light touch was intact, !sensation was intact to light touch, !neurologically intact, !neurovascularly intact, !sensory intact, !sensation was within normal limits
EX motor_weakness = motor weakness, motor deficit, motor deficits, decreased strength, diminished strength, reduced strength, decreased motor strength, diminished motor strength, decreased muscle strength, weakness on exam, motor loss, strength was decreased, strength was diminished, !full strength, !normal strength, !strength was normal, !strength is normal, !motor strength was normal, !strength was full, !motor exam was normal, !strength intact, !strength was intact, !motor strength intact, !motor intact, !motor strength was intact, !motor strength is intact, !strength was within normal limits, weak grip, decreased grip strength, diminished grip strength, reduced grip strength, grip weakness, weakness of grip
EX reflex_change = decreased reflexes, decreased reflex, diminished reflexes, diminished reflex, reduced reflexes, absent reflexes, absent reflex, hyporeflexia, hyperreflexia, reflexes were decreased, reflexes decreased, reflexes were diminished, reflexes diminished, reflexes were absent, reflexes absent, reflex asymmetry, asymmetric reflexes, !reflexes were normal, !reflexes normal, !reflexes were symmetric, !reflexes symmetric, !symmetric reflexes, !normal reflexes, !reflexes intact, !reflexes were intact, !reflexes were 2+, !reflexes 2+, !reflexes equal, !reflexes were equal, !reflexes were symmetrical, !reflexes were within normal limits
EX range_of_motion_limited = decreased range of motion, limited range of motion, restricted range of motion, reduced range of motion, diminished range of motion, painful range of motion, decreased rom, limited rom, restricted rom, reduced rom, diminished rom, painful rom, range of motion was decreased, range of motion was limited, range of motion was restricted, range of motion was reduced, range of motion was painful, range of motion decreased, range of motion limited, range of motion restricted, range of motion was diminished, rom was decreased, rom was limited, rom decreased, rom limited, rom was restricted, decreased motion, limited motion, restricted motion, loss of motion, loss of range of motion, pain with range of motion, pain on range of motion, decreased flexion, limited flexion, decreased extension, limited extension, !full range of motion, !normal range of motion, !range of motion was full, !range of motion was normal, !full rom, !normal rom, !rom was full, !rom was normal, !range of motion within normal limits, !range of motion was within normal limits, !full and painless range of motion, !full extension, !full flexion
EX tenderness = tenderness, tender, tenderness to palpation, ^TTP, palpable tenderness, point tenderness, !nontender, !non-tender, !no tenderness
EX spasm = spasm, spasms, muscle spasm, muscle spasms, paraspinal spasm, paraspinal spasms, paravertebral spasm, paravertebral spasms, myospasm, myospasms, guarding, muscle guarding
EX antalgic_gait = antalgic gait, antalgic, limp, limping, !normal gait, !gait was normal, !gait is normal, !non-antalgic gait, !nonantalgic gait, !non-antalgic, gait disturbance, abnormal gait, gait abnormality, altered gait
EX obrien@Shoulder = o'brien, o'brien's, o'brien sign, o'brien's sign, o'brien test, o'brien's test, obrien's test
EX impingement_sign@Shoulder = impingement sign, impingement signs, impingement test, impingement tests
EX trigger_points = trigger points, taut band, taut bands, twitch response, myofascial trigger points
SX pain = pain, pains, painful, ache, aches, aching, discomfort, soreness, sore, backache, low back pain, neck pain, lumbago, arthralgia
SX radiating_pain = radiating pain, radiating, radiates, radiated, radiation, radicular pain, radicular symptoms, radicular complaints, radicular, shooting pain, shooting, pain radiating, pain that radiates, pain radiates, pain radiated
SX numbness = numbness, numb
SX tingling = tingling, paresthesia, paresthesias, paraesthesia, paraesthesias, pins and needles
SX weakness = weakness, weak
SX instability = instability, giving way, gives way, give way, giving out, buckling, unstable
SX locking = locking, catching, locks up
SX stiffness = stiffness, stiff
SX swelling = swelling, swollen, edema, effusion
SX headache@Head = headache, headaches, migraine, migraines
DX radiculopathy = radiculopathy, radiculopathies, radiculitis, radicular syndrome
DX radiculopathy@Lumbar = sciatica
DX disc_herniation = disc herniation, disk herniation, disc herniations, herniated disc, herniated disk, herniated discs, herniated nucleus pulposus, ^HNP, disc protrusion, disk protrusion, disc protrusions, disc extrusion, disk extrusion, protrusion, protrusions, extrusion, herniation, herniations, disc displacement, disk displacement, displacement of lumbar intervertebral disc, displacement of cervical intervertebral disc
DX disc_bulge = disc bulge, disk bulge, disc bulges, bulging disc, bulging disk, disc bulging, disk bulging, bulge, bulges, bulging
DX disc_degeneration = degenerative disc disease, degenerative disk disease, ^DDD, disc degeneration, disk degeneration, disc desiccation, disk desiccation, spondylosis, degenerative changes, degenerative disc changes, degenerative change, degenerative disc-joint disease, degenerative disk-joint disease
DX stenosis = stenosis, spinal stenosis, foraminal stenosis, foraminal narrowing, neuroforaminal narrowing, neural foraminal narrowing, canal narrowing, neuroforaminal stenosis, central canal stenosis, lateral recess stenosis
DX spondylolisthesis = spondylolisthesis, anterolisthesis, retrolisthesis, spondylolysis, pars defect, pars defects, pars interarticularis defect
DX sprain_strain = sprain, sprains, strain, strains, sprain/strain, strain/sprain, sprains/strains, strains/sprains, sprained, strained
DX meniscus_tear@Knee = meniscus tear, meniscal tear, meniscal tears, meniscus tears, torn meniscus, medial meniscus tear, lateral meniscus tear, medial meniscal tear, lateral meniscal tear, tear of the medial meniscus, tear of the lateral meniscus, meniscal injury, meniscus injury, derangement of meniscus, meniscal derangement
DX rotator_cuff_tear@Shoulder = rotator cuff tear, rotator cuff tears, tear of the rotator cuff, torn rotator cuff, supraspinatus tear, supraspinatus tendon tear, rotator cuff injury, rotator cuff syndrome
DX labral_tear = labral tear, labrum tear, labral tears, ^SLAP tear, ^SLAP lesion
DX ligament_tear = ^ACL tear, anterior cruciate ligament tear, torn ^ACL, ligament tear, ligament injury
DX impingement = impingement, impingement syndrome
DX carpal_tunnel@WristHand = carpal tunnel syndrome, carpal tunnel, ^CTS
DX cubital_tunnel@Elbow = cubital tunnel syndrome, cubital tunnel
DX trigger_finger@WristHand = trigger finger, trigger thumb, stenosing tenosynovitis
DX de_quervain@WristHand = de quervain, de quervain's, dequervain's, dequervain, de quervain's tenosynovitis
DX osteoarthritis = osteoarthritis, degenerative joint disease, ^DJD, arthritis, arthrosis, arthropathy, degenerative arthritis, chondromalacia
DX facet_arthropathy = facet arthropathy, facet syndrome, facet hypertrophy, facet arthrosis, facet joint arthropathy, facet mediated pain, facet-mediated pain, facet joint pain, facet joint syndrome
DX neuropathy = neuropathy, peripheral neuropathy, polyneuropathy, ulnar neuropathy, median neuropathy, neuritis, entrapment neuropathy
DX fracture = fracture, fractures, fractured, ^FX
DX crps = complex regional pain syndrome, ^CRPS, reflex sympathetic dystrophy, ^RSD
DX myofascial_pain = myofascial pain, myofascial pain syndrome, myofascitis, myofascial
DX tendinitis = tendinitis, tendonitis, tendinosis, tendinopathy, tenosynovitis, tendinitis/bursitis
DX bursitis = bursitis
DX contusion = contusion, contusions, bruise, bruising
DX myalgia = myalgia, myalgias, myositis
DX epicondylitis@Elbow = epicondylitis, lateral epicondylitis, medial epicondylitis, tennis elbow, golfer's elbow, epicondylalgia
DX plantar_fasciitis@AnkleFoot = plantar fasciitis, plantar fasciopathy
DX adhesive_capsulitis@Shoulder = adhesive capsulitis, frozen shoulder
DX failed_back_syndrome@Lumbar = failed back surgery syndrome, post-laminectomy syndrome, postlaminectomy syndrome, failed back syndrome, post laminectomy syndrome
DX chronic_pain = chronic pain syndrome, chronic pain
DX depression@Psyche = depression, depressive disorder, major depressive disorder, depressed mood, depressive symptoms, depressed, depressive
DX anxiety@Psyche = anxiety, anxiety disorder, anxious, generalized anxiety disorder
DX ptsd@Psyche = post-traumatic stress disorder, posttraumatic stress disorder, ^PTSD
DX insomnia = insomnia, sleep disturbance, sleep disturbances, difficulty sleeping, trouble sleeping, sleep disorder, sleep difficulties, sleep difficulty, poor sleep, sleep problems, sleeplessness, sleep issues, difficulty with sleep, trouble falling asleep, difficulty falling asleep, trouble staying asleep, difficulty staying asleep
DX gi_disorder@Abdomen = dyspepsia, ^GERD, gastroesophageal reflux, gastroesophageal reflux disease, acid reflux, reflux, gastritis, ulcer, ulcers, peptic ulcer, peptic ulcer disease, ^GI bleed, ^GI bleeding, gastrointestinal bleeding, gastrointestinal bleed, ^GI upset, gastrointestinal upset, stomach upset, upset stomach, heartburn, ^GI symptoms, gastrointestinal symptoms, ^GI complaints, gastrointestinal complaints, ^GI distress, gastrointestinal distress, ^GI issues, gastrointestinal issues, ^GI irritation, gastric irritation, dyspeptic, ^GI problems, gastrointestinal problems, ^GI disorder, gastrointestinal disorder, gastric upset, stomach irritation, stomach pain, abdominal pain, ^GI side effects, gastrointestinal side effects
DX hypertension = hypertension, high blood pressure, ^HTN
DX diabetes = diabetes, diabetes mellitus, diabetic
DX obesity = obesity, obese, morbid obesity
DX concussion@Head = concussion, post-concussion syndrome, post-concussive syndrome, post concussive syndrome, traumatic brain injury, ^TBI
DX erectile_dysfunction = erectile dysfunction, erectile disorder
RED red_flag = red flag, red flags, red-flag, red-flags
RED cauda_equina@Lumbar = cauda equina, cauda equina syndrome
RED infection = infection, infections, osteomyelitis, discitis, abscess
RED tumor = tumor, tumors, tumour, tumours, malignancy, malignancies, cancer, neoplasm, metastasis, metastases, metastatic disease
RED progressive_neuro_deficit = progressive neurologic deficit, progressive neurological deficit, progressive neurologic deficits, progressive neurological deficits, progressive weakness, progressive neurologic, progressive neurological, progressive numbness, worsening neurologic deficit, progressive neurologic dysfunction, progressive neurological dysfunction
RED bowel_bladder = bowel or bladder, bowel and bladder, bowel/bladder, bladder or bowel, bladder/bowel, bowel or bladder dysfunction, bowel and bladder dysfunction, bowel/bladder dysfunction, bowel or bladder incontinence, bowel and bladder incontinence, bowel or bladder changes, bowel or bladder problems, bowel or bladder symptoms, bowel and bladder symptoms, incontinence, saddle anesthesia, saddle paresthesia, bowel incontinence, bladder incontinence, urinary incontinence
IMG mri = ^MRI, ^MRIs, ^MRI scan, magnetic resonance imaging, ^MR imaging, ^MR arthrogram, ^MRI arthrogram, ^MR arthrography, ^MRA
IMG ct = ^CT, ^CT scan, ^CT scans, computed tomography, ^CAT scan, ^CT myelogram
IMG x_ray = x-ray, x-rays, xray, xrays, x ray, x rays, radiograph, radiographs, radiographic, radiographic studies, plain films, radiography
IMG ultrasound = ultrasound, ultrasonography, sonogram, diagnostic ultrasound, ultrasound-guided
IMG bone_scan = bone scan, bone scintigraphy, nuclear bone scan, triple phase bone scan
IMG myelogram = myelogram, myelography
IMG discogram = discogram, discography
EDX emg = ^EMG, electromyography, electromyogram, electromyographic, ^EMG study, ^EMG studies
EDX ncs = ^NCS, ^NCV, nerve conduction, nerve conduction study, nerve conduction studies, nerve conduction velocity, nerve conduction velocities, ^NCV study, ^NCV studies, nerve conduction velocity study, nerve conduction velocity studies
EDX emg+ncs = ^EMG/NCV, ^EMG/NCS, ^EMG/nerve conduction, electrodiagnostic study, electrodiagnostic studies, electrodiagnostic testing, electrodiagnostic test, electrodiagnostic tests, ^EMG-NCV, ^EMG NCV, ^EMG and NCV, ^EMG and NCS, ^EMG/NCV study, ^EMG/NCV studies, ^NCV/EMG, ^NCS/EMG, ^EMG/NCS study, ^EMG/NCS studies, electrodiagnostic, electrodiagnostics, ^EMG/NCVs, ^EMGs/NCVs, ^EMG/NCT
SURG surgery = surgery, surgeries, surgical intervention, surgical treatment, operation, operative intervention, surgical procedure, surgically, surgical, surgical repair, operative treatment, surgical consultation, surgical consult
SURG fusion = fusion, spinal fusion, lumbar fusion, cervical fusion, arthrodesis, interbody fusion, ^TLIF, ^PLIF, ^ALIF, ^XLIF, posterior fusion, anterior fusion, fusions
SURG fusion+discectomy@Cervical = ^ACDF, anterior cervical discectomy and fusion, anterior cervical discectomy with fusion, anterior cervical discectomy & fusion
SURG arthroscopy = arthroscopy, arthroscopic, arthroscopic surgery, arthroscopically, arthroscopies
SURG discectomy = discectomy, microdiscectomy, diskectomy, microdiskectomy, micro-discectomy, discectomies
SURG laminectomy = laminectomy, laminotomy, hemilaminectomy, hemilaminotomy, foraminotomy, laminoplasty, laminectomies
SURG decompression = decompression, decompressive, subacromial decompression, acromioplasty, decompressions
SURG rotator_cuff_repair@Shoulder = rotator cuff repair, repair of the rotator cuff, rotator cuff repairs
SURG carpal_tunnel_release@WristHand = carpal tunnel release, carpal tunnel releases, ^CTR, carpal tunnel decompression
SURG meniscectomy@Knee = meniscectomy, partial meniscectomy, meniscus repair, meniscal repair, meniscectomies, partial medial meniscectomy, partial lateral meniscectomy
SURG arthroplasty = arthroplasty, joint replacement, total knee replacement, total knee arthroplasty, ^TKA, ^TKR, total hip replacement, total hip arthroplasty, ^THA, knee replacement, hip replacement, shoulder replacement, unicompartmental arthroplasty, total joint replacement
SURG orif = ^ORIF, open reduction internal fixation, open reduction and internal fixation, open reduction with internal fixation
SURG fracture_fixation = closed reduction, percutaneous pinning, pinning, internal fixation, external fixation, closed reduction and percutaneous pinning
SURG labral_repair@Shoulder = ^SLAP repair, labral repair, bankart repair, labrum repair
SURG hardware_removal = hardware removal, removal of hardware, hardware block
SURG ligament_reconstruction = ^ACL reconstruction, ligament reconstruction, reconstruction
SURG nerve_release = trigger finger release, de quervain's release, cubital tunnel release, ulnar nerve transposition, nerve release, tendon release
SURG debridement = debridement, debridements
PROC radiofrequency_ablation = radiofrequency ablation, radiofrequency neurotomy, radiofrequency rhizotomy, rhizotomy, neurotomy, ^RF ablation, radiofrequency, radio frequency ablation, radiofrequency lesioning
PROC spinal_cord_stimulator = spinal cord stimulator, spinal cord stimulation, ^SCS, dorsal column stimulator, spinal cord stimulator trial
PROC functional_capacity_evaluation = functional capacity evaluation, ^FCE, functional capacity evaluations
PROC shockwave = shockwave, shock wave, ^ESWT, extracorporeal shockwave, extracorporeal shock wave
PROC biofeedback = biofeedback
PROC manipulation_under_anesthesia = manipulation under anesthesia, ^MUA
PROC brace = brace, braces, bracing, splint, splints, splinting, orthosis, orthotics, orthotic, wrist brace, knee brace, back brace, lumbar support, lumbar brace, cervical collar, wrist splint
PROC durable_medical_equipment = durable medical equipment, ^DME, wheelchair, hospital bed, walker, cane, commode, shower chair
THER physical_therapy = physical therapy, ^PT, physiotherapy, physical therapy sessions, postoperative physical therapy, post-operative physical therapy, post-op physical therapy, physical medicine, supervised therapy, land-based therapy, physical therapy visits, physical therapies, therapy sessions
THER occupational_therapy = occupational therapy, ^OT, hand therapy
THER chiropractic = chiropractic, chiropractor, chiropractic treatment, chiropractic care, chiropractic therapy, chiropractic sessions, chiropractic visits, chiro, chiropractic manipulation, manipulation, manipulative therapy, spinal manipulation, chiropractic treatments, chiropractic physiotherapy, chiropractic physical therapy
THER acupuncture = acupuncture, acupuncture sessions, acupuncture visits, acupuncture treatments, electroacupuncture, electro-acupuncture, acupuncture treatment
THER home_exercise = home exercise, home exercises, home exercise program, ^HEP, home exercise programs, home-based exercise, self-directed exercise, home exercise plan, home exercise regimen
THER tens = ^TENS, ^TENS unit, transcutaneous electrical nerve stimulation, transcutaneous electrical nerve stimulator, ^TENS units, interferential, interferential unit, interferential stimulator, interferential current, ^EMS unit, ^H-wave, h wave, h-wave unit
THER massage = massage, massage therapy, myofascial release
THER aquatic_therapy = aquatic therapy, pool therapy, aqua therapy, water therapy, aquatherapy, pool exercise, aquatic exercise, aquatic therapy sessions
THER psychotherapy = psychotherapy, cognitive behavioral therapy, ^CBT, counseling, psychological treatment, psychological therapy, psychotherapy sessions
THER work_conditioning = work hardening, work conditioning
THER functional_restoration = functional restoration program, functional restoration, ^FRP, multidisciplinary pain program, interdisciplinary pain program
THER failed_conservative_care = failed conservative care, failed conservative treatment, failed conservative treatments, failed conservative management, failed conservative therapy, failed conservative measures, failure of conservative care, failure of conservative treatment, failure of conservative management, failure of conservative therapy, conservative care has failed, conservative treatment has failed, conservative treatment failed, conservative care failed, refractory to conservative care, refractory to conservative treatment, refractory to conservative management, exhausted conservative care, exhausted conservative treatment, failed to respond to conservative, failed all conservative, failed extensive conservative, failed to respond to conservative treatment, failed to respond to conservative care, failed conservative
THER conservative_care = conservative care, conservative treatment, conservative treatments, conservative management, conservative therapy, conservative measures, conservative modalities, conservative therapies
INJ epidural_steroid = epidural steroid injection, epidural steroid injections, epidural injection, epidural injections, epidural, epidurals, ^ESI, ^ESIs, ^TFESI, ^LESI, ^CESI, transforaminal epidural, transforaminal epidural steroid injection, transforaminal epidural steroid injections, transforaminal injection, transforaminal injections, interlaminar epidural, caudal epidural, lumbar epidural, cervical epidural, selective nerve root block, selective nerve root blocks, nerve root block, ^SNRB, epidural steroid
INJ facet = facet injection, facet injections, facet block, facet blocks, facet joint injection, facet joint injections, medial branch block, medial branch blocks, ^MBB, ^MBBs, facet joint block, facet joint blocks, medial branch nerve block, medial branch nerve blocks, facet joint nerve block
INJ trigger_point = trigger point injection, trigger point injections, ^TPI, ^TPIs, trigger-point injection, trigger-point injections
INJ cortisone = cortisone injection, cortisone injections, cortisone shot, cortisone shots, cortisone, steroid injection, steroid injections, corticosteroid injection, corticosteroid injections, intra-articular injection, intra-articular injections, intraarticular injection, subacromial injection, intra-articular steroid injection, kenalog injection, depo-medrol injection, joint injection, joint injections, subacromial injections, steroid shot
INJ prp = ^PRP, platelet rich plasma, platelet-rich plasma, ^PRP injection, ^PRP injections
INJ viscosupplementation = viscosupplementation, synvisc, hyaluronic acid injection, hyaluronic acid injections, hyaluronic acid, orthovisc, euflexxa, supartz, gel-one, hyalgan
INJ sacroiliac = sacroiliac joint injection, sacroiliac joint injections, ^SI joint injection, ^SI joint injections, sacroiliac injection, ^SI joint block
INJ nerve_block = nerve block, nerve blocks, occipital nerve block, occipital nerve blocks, stellate ganglion block, sympathetic block, lumbar sympathetic block, genicular nerve block
INJ injection = injection, injections
INJ botox = botox, botulinum toxin
FI functional_improvement = functional improvement, functional improvements, functional gain, functional gains, improved function, improvement in function, improvements in function, improved functioning, improvement in functioning, increased function, increased functioning, improved functionality, improvement of function, improved activities of daily living, improvement in activities of daily living, improved ^ADLs, improvement in ^ADLs, increased activities of daily living, improved ability to perform, improved activity tolerance, increased activity tolerance, functional benefit, functional benefits, benefit, benefits, beneficial, objective functional improvement, !no benefit, !without benefit, !minimal benefit, !little benefit, !limited benefit, !no improvement, !without improvement, !no significant improvement, !no lasting improvement, !no sustained improvement, !did not improve, !failed to improve, !did not help, !not helpful, !no relief, !without relief, !minimal relief, !little relief, !no significant relief, !no lasting relief, !no functional improvement, !without functional improvement, !lack of functional improvement, !no objective functional improvement, !no functional benefit, !no significant functional improvement, !did not benefit, !no overall improvement, !not improved, !no functional gains, !no increase in function, !without any benefit, !without significant improvement, !no noted improvement, !no reported improvement, !not helping, !was not helping, !were not helping, !not been helpful, !no help, !did not provide relief, !did not provide benefit, !not beneficial
WORK ttd = temporarily totally disabled, temporary total disability, temporarily and totally disabled, temporary totally disabled, ^TTD, totally temporarily disabled, off work, off of work, remain off work, not working, total temporary disability, temporarily disabled, totally disabled, has not returned to work, not returned to work, has not worked, not been working
WORK modified_duty = modified duty, modified work, light duty, restricted duty, work restrictions, modified work duties, modified activity, work with restrictions, return to work with restrictions, modified duties, restricted work, modified work restrictions
WORK full_duty = full duty, regular duty, full and regular duty, full duties, regular work, usual and customary duties, return to work without restrictions, without restrictions, unrestricted duty, full work, returned to work full duty, regular duties
WORK permanent_stationary = permanent and stationary, ^P&S, maximum medical improvement, ^MMI, permanent & stationary, permanent and stationary status, permanent and stationary report
MON urine_drug_screen = urine drug screen, urine drug screens, urine drug screening, urine drug test, urine drug tests, urine drug testing, ^UDS, ^UDT, ^UDTs, urine toxicology, urine tox, urine toxicology screen, urine toxicology screens, drug screen, drug screens, drug screening, drug test, drug testing, toxicology screen, toxicology testing, urine screen, urine drug screenings
MON cures = ^CURES, ^CURES report, ^CURES database, ^PDMP, prescription drug monitoring, prescription drug monitoring program, ^CURES reports
MON opioid_agreement = opioid agreement, opioid contract, pain contract, pain agreement, narcotic agreement, narcotic contract, opioid treatment agreement, medication agreement, pain medication agreement, opioid pain agreement, narcotics agreement, medication contract, opioid use agreement, narcotic pain contract
MON aberrant_behavior = aberrant behavior, aberrant behaviors, aberrant drug behavior, aberrant drug behaviors, aberrant drug-related behavior, aberrant drug related behavior, aberrant drug-taking behavior, drug-seeking, drug seeking, drug seeking behavior, drug-seeking behavior, drug misuse, medication misuse, diversion, aberrant behaviour
REQ rfa = ^RFA, ^RFAs, request for authorization, requests for authorization, ^DWC Form RFA, request for authorisation
MECH fall = fell, fall, falls, slipped and fell, tripped and fell, slip and fall, trip and fall, tripped, slipped, falling
MECH lifting = lifting, lifted, heavy lifting, carrying, pulling, pushing, lifting a box, lifting boxes
MECH motor_vehicle = motor vehicle accident, motor vehicle collision, ^MVA, ^MVC, car accident, auto accident, vehicle accident, rear-ended, automobile accident, vehicular accident, motor vehicle, car crash, vehicle collision
MECH repetitive = repetitive, repetitive motion, repetitive motions, repetitive trauma, cumulative trauma, continuous trauma, repetitive use, repetitive work, overuse, cumulative injury, repetitive activities, repetitive duties
MECH struck = struck, struck by, hit by, was hit, crushed, pinned, hit his, hit her, hit in the
MECH other = assault, assaulted, altercation, twisted, twisting, bending, stepped, stepped into, stepped on
NONE - = pain management, pain medication, pain medications, pain medicine, pain medicines, pain specialist, pain clinic, pain physician, pain psychologist, pain relief, pain score, pain scores, pain level, pain levels, pain rating, pain scale, pain program, pain psychology, pain management specialist, pain management physician, pain med, pain meds, fall asleep, falling asleep, fell asleep, trigger point, struck out, sore throat, benefit of, benefits of, risks and benefits, risk/benefit, benefits and risks, potential benefit, potential benefits, surgical history, past surgical history, operation of, operations of, in operation, range of motion, strain on, protrusion of, on the operation, radiation exposure, without radiation, pulling up, reconstruction of the, chest pain, no strain
"#;

/// What a lexicon match means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Meaning {
    /// A clinical concept; `negated` when the term states its absence.
    Concept {
        kind: FactKind,
        concept: &'static str,
        region: Option<BodyRegion>,
        negated: bool,
    },
    /// A medication (index into [`crate::drug::lexicon`]).
    Drug(usize),
    /// A phrase that only looks like a concept.
    Nothing,
}

/// A term of the automaton with all its meanings and the capitals rule.
pub(crate) struct Term {
    pub meanings: Vec<Meaning>,
    /// Byte ranges (within the term) of words that must be capitals in the source.
    pub upper_words: Vec<(usize, usize)>,
}

pub(crate) struct Lexicon {
    pub automaton: AhoCorasick,
    pub terms: Vec<Term>,
}

fn kind_from_code(code: &str) -> Option<Option<FactKind>> {
    Some(Some(match code {
        "EX" => FactKind::ExamFinding,
        "SX" => FactKind::Symptom,
        "DX" => FactKind::Diagnosis,
        "RED" => FactKind::RedFlag,
        "IMG" => FactKind::Imaging,
        "EDX" => FactKind::Electrodiagnostic,
        "SURG" => FactKind::Surgery,
        "PROC" => FactKind::Procedure,
        "THER" => FactKind::Therapy,
        "INJ" => FactKind::Injection,
        "FI" => FactKind::FunctionalImprovement,
        "WORK" => FactKind::WorkStatus,
        "MON" => FactKind::DrugMonitoring,
        "REQ" => FactKind::Request,
        "MECH" => FactKind::InjuryMechanism,
        "NONE" => return Some(None),
        _ => return None,
    }))
}

pub(crate) fn region_from_name(name: &str) -> Option<BodyRegion> {
    BodyRegion::ALL
        .into_iter()
        .find(|r| format!("{r:?}").eq_ignore_ascii_case(name))
}

/// One parsed line of [`CONCEPTS`].
pub(crate) struct Line {
    pub kind: Option<FactKind>,
    pub concepts: Vec<&'static str>,
    pub region: Option<BodyRegion>,
    pub terms: Vec<&'static str>,
}

/// Parses the concept table; malformed lines are skipped (a unit test checks
/// that none are).
pub(crate) fn parse_lines() -> Vec<Line> {
    let mut out = Vec::new();
    for raw in CONCEPTS.lines() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let Some((head, terms)) = raw.split_once(" = ") else {
            continue;
        };
        let mut head_parts = head.split_whitespace();
        let (Some(code), Some(name)) = (head_parts.next(), head_parts.next()) else {
            continue;
        };
        let Some(kind) = kind_from_code(code) else {
            continue;
        };
        let (concepts, region) = match name.split_once('@') {
            Some((c, r)) => (c, region_from_name(r)),
            None => (name, None),
        };
        out.push(Line {
            kind,
            concepts: concepts.split('+').collect(),
            region,
            terms: terms
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect(),
        });
    }
    out
}

fn build_lexicon() -> Option<Lexicon> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut terms: Vec<Term> = Vec::new();
    let mut add = |raw: &str, meaning: Meaning| {
        let negated_marker = raw.starts_with('!');
        let raw = raw.trim_start_matches('!');
        let mut upper_words = Vec::new();
        let mut pattern = String::with_capacity(raw.len());
        for (i, word) in raw.split(' ').enumerate() {
            if i > 0 {
                pattern.push(' ');
            }
            let clean = word.trim_start_matches('^');
            if clean.len() != word.len() {
                upper_words.push((pattern.len(), pattern.len() + clean.len()));
            }
            pattern.push_str(&clean.to_ascii_lowercase());
        }
        let meaning = match meaning {
            Meaning::Concept {
                kind,
                concept,
                region,
                ..
            } => Meaning::Concept {
                kind,
                concept,
                region,
                negated: negated_marker,
            },
            other => other,
        };
        let i = *index.entry(pattern.clone()).or_insert_with(|| {
            patterns.push(pattern);
            terms.push(Term {
                meanings: Vec::new(),
                upper_words,
            });
            terms.len() - 1
        });
        if let Some(term) = terms.get_mut(i)
            && !term.meanings.contains(&meaning)
        {
            term.meanings.push(meaning);
        }
    };
    for line in parse_lines() {
        for term in &line.terms {
            match line.kind {
                None => add(term, Meaning::Nothing),
                Some(kind) => {
                    for concept in &line.concepts {
                        add(
                            term,
                            Meaning::Concept {
                                kind,
                                concept,
                                region: line.region,
                                negated: false,
                            },
                        );
                    }
                }
            }
        }
    }
    for (i, drug) in crate::drug::lexicon().iter().enumerate() {
        for name in &drug.names {
            add(name, Meaning::Drug(i));
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .ok()?;
    Some(Lexicon { automaton, terms })
}

pub(crate) static LEXICON: LazyLock<Option<Lexicon>> = LazyLock::new(build_lexicon);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_line_parses() {
        let lines = CONCEPTS.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(parse_lines().len(), lines);
        for line in parse_lines() {
            if line.kind.is_some() {
                for c in &line.concepts {
                    assert!(
                        c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                        "concept {c} is not snake_case"
                    );
                }
            }
        }
        assert!(LEXICON.is_some());
        assert!(crate::text::anatomy::PLACES.is_some());
    }

    #[test]
    fn region_names_resolve() {
        assert_eq!(region_from_name("WristHand"), Some(BodyRegion::WristHand));
        assert_eq!(region_from_name("Nowhere"), None);
    }
}
