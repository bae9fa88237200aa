${5060 + true}
